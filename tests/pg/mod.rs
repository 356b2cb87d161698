//! A throw-away PostgreSQL cluster for the tests of the PostgreSQL reader:
//! `initdb` into a temporary folder, a server on a free port of 127.0.0.1
//! with TLS (a certificate authority and a server certificate made here by
//! rcgen), password logins only (SCRAM). One cluster per test binary: it
//! starts on first use, and a watcher stops it and removes its folder once
//! the test process has exited. As root, the server runs as the `postgres`
//! system user, since it refuses to run as root.
//!
//! With `CI=true` a cluster that cannot start fails the test; elsewhere the
//! test says it is skipped and why.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The administrator's password (a superuser of the cluster only).
pub const ADMIN_PASSWORD: &str = "admin-Secret-7731";
/// The read-only role the tests read with: its password must never appear
/// in an output.
pub const ANALYST: &str = "analyst";
pub const ANALYST_PASSWORD: &str = "pw-Zq8xK3-never-printed";
/// A role that may log in over TLS only.
pub const TLS_ONLY: &str = "tls_reader";

pub struct Cluster {
    pub dir: PathBuf,
    pub port: u16,
    /// The certificate authority that signed the server's certificate.
    pub ca_pem: PathBuf,
    /// Another authority, which did not.
    pub stranger_pem: PathBuf,
    pub version: String,
}

/// The shared cluster, or why there is none. Under CI a cluster that cannot
/// start fails the test.
pub fn cluster() -> Option<&'static Cluster> {
    static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();
    match CLUSTER.get_or_init(start) {
        Ok(cluster) => Some(cluster),
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true and the PostgreSQL test cluster cannot start: {why}")
        }
        Err(why) => {
            eprintln!("skipped: the PostgreSQL test cluster cannot start: {why}");
            None
        }
    }
}

impl Cluster {
    /// A client as the administrator, on database `db`.
    pub fn admin(&self, db: &str) -> postgres::Client {
        let url = format!("host=127.0.0.1 port={} user=admin dbname={db} password={ADMIN_PASSWORD}", self.port);
        postgres::Client::connect(&url, postgres::NoTls).expect("the administrator connects")
    }

    /// Creates database `db` (dropped first if there), readable by the
    /// analyst, and runs `setup` in it as the administrator.
    pub fn database(&self, db: &str, setup: &str) -> postgres::Client {
        let mut admin = self.admin("postgres");
        admin.batch_execute(&format!("DROP DATABASE IF EXISTS {db}")).unwrap();
        admin.batch_execute(&format!("CREATE DATABASE {db}")).unwrap();
        let mut client = self.admin(db);
        client.batch_execute(setup).unwrap();
        client
            .batch_execute(&format!(
                "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {ANALYST}, {TLS_ONLY}; \
                 GRANT CONNECT ON DATABASE {db} TO {ANALYST}, {TLS_ONLY}"
            ))
            .unwrap();
        client
    }

    pub fn url(&self, user: &str, db: &str, params: &str) -> String {
        format!("postgresql://{user}@127.0.0.1:{}/{db}{params}", self.port)
    }
}

fn start() -> Result<Cluster, String> {
    let bin = binaries().ok_or("no initdb found (install the Debian package postgresql)")?;
    let dir = std::env::temp_dir().join(format!("jauge-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let (ca_pem, stranger_pem) = certificates(&dir)?;
    std::fs::write(dir.join("pw"), ADMIN_PASSWORD).map_err(|e| e.to_string())?;
    let as_root = is_root();
    if as_root {
        let status = Command::new("chown").args(["-R", "postgres:postgres"]).arg(&dir).status();
        if !status.is_ok_and(|s| s.success()) {
            return Err("cannot hand the cluster's folder to the postgres system user".into());
        }
    }
    let data = dir.join("data");
    let initdb = [
        bin.join("initdb").display().to_string(),
        "-D".into(),
        data.display().to_string(),
        "-U".into(),
        "admin".into(),
        format!("--pwfile={}", dir.join("pw").display()),
        "--auth=scram-sha-256".into(),
        "-E".into(),
        "UTF8".into(),
        "--locale=C".into(),
        "--no-sync".into(),
    ];
    run_as_server_user(&initdb, as_root, &dir.join("initdb.log"))?;
    std::fs::write(data.join("pg_hba.conf"), HBA).map_err(|e| e.to_string())?;
    let port = free_port()?;
    let server = format!(
        "{postgres} -D {data} -p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off \
         -c synchronous_commit=off -c full_page_writes=off -c ssl=on -c ssl_cert_file={dir}/server.crt \
         -c ssl_key_file={dir}/server.key",
        postgres = bin.join("postgres").display(),
        data = data.display(),
        dir = dir.display(),
    );
    // The watcher outlives nothing: once the test process is gone, it stops
    // the server (fast shutdown) and removes the folder.
    let watcher = format!(
        "{server} >{dir}/server.log 2>&1 & pid=$!; \
         while [ -d /proc/{parent} ] && kill -0 $pid 2>/dev/null; do sleep 0.5; done; \
         kill -INT $pid 2>/dev/null; wait $pid; rm -rf {dir}",
        parent = std::process::id(),
        dir = dir.display(),
    );
    let mut command = if as_root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--", "sh", "-c", &watcher]);
        c
    } else {
        let mut c = Command::new("sh");
        c.args(["-c", &watcher]);
        c
    };
    command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
    command.spawn().map_err(|e| format!("cannot start the server: {e}"))?;
    let mut cluster = Cluster { dir, port, ca_pem, stranger_pem, version: String::new() };
    let mut admin = wait_ready(&cluster)?;
    admin
        .batch_execute(&format!(
            "CREATE ROLE {ANALYST} LOGIN PASSWORD '{ANALYST_PASSWORD}'; \
             CREATE ROLE {TLS_ONLY} LOGIN PASSWORD '{ANALYST_PASSWORD}'"
        ))
        .map_err(|e| e.to_string())?;
    let row = admin.query_one("SELECT current_setting('server_version')", &[]).map_err(|e| e.to_string())?;
    cluster.version = row.get(0);
    Ok(cluster)
}

/// Password logins over TCP; the TLS-only role is refused without TLS.
const HBA: &str = "\
local all all scram-sha-256
hostnossl all tls_reader 127.0.0.1/32 reject
host all all 127.0.0.1/32 scram-sha-256
";

fn wait_ready(cluster: &Cluster) -> Result<postgres::Client, String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let url = format!("host=127.0.0.1 port={} user=admin dbname=postgres password={ADMIN_PASSWORD}", cluster.port);
        match postgres::Client::connect(&url, postgres::NoTls) {
            Ok(client) => return Ok(client),
            Err(e) if Instant::now() > deadline => {
                let log = std::fs::read_to_string(cluster.dir.join("server.log")).unwrap_or_default();
                return Err(format!("the server did not answer in 60 s: {e}\n{log}"));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(200)),
        }
    }
}

/// The newest server's programs: Debian's /usr/lib/postgresql/<version>/bin,
/// else those on the PATH.
fn binaries() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, bin): &(u32, PathBuf)| bin.join("initdb").is_file())
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Some(bin);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find(|dir| dir.join("initdb").is_file() && dir.join("postgres").is_file())
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn run_as_server_user(args: &[String], as_root: bool, log: &Path) -> Result<(), String> {
    let output = if as_root {
        Command::new("runuser").args(["-u", "postgres", "--"]).args(args).output()
    } else {
        Command::new(&args[0]).args(&args[1..]).output()
    }
    .map_err(|e| format!("cannot run {}: {e}", args[0]))?;
    let _ = std::fs::write(log, [output.stdout.as_slice(), output.stderr.as_slice()].concat());
    if output.status.success() {
        Ok(())
    } else {
        Err(format!("{} failed: {}", args[0], String::from_utf8_lossy(&output.stderr)))
    }
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

/// A certificate authority, the server's certificate it signs (for
/// `localhost` and 127.0.0.1), and a second authority that signs nothing.
fn certificates(dir: &Path) -> Result<(PathBuf, PathBuf), String> {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
    let e = |e: rcgen::Error| e.to_string();
    let authority = |name: &str| -> Result<CertifiedIssuer<'static, KeyPair>, String> {
        let mut params = CertificateParams::new(Vec::new()).map_err(e)?;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(rcgen::DnType::CommonName, name);
        CertifiedIssuer::self_signed(params, KeyPair::generate().map_err(e)?).map_err(e)
    };
    let ca = authority("jauge test authority")?;
    let stranger = authority("another authority")?;
    let key = KeyPair::generate().map_err(e)?;
    let params = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).map_err(e)?;
    let server = params.signed_by(&key, &ca).map_err(e)?;
    let write = |name: &str, text: String| -> Result<PathBuf, String> {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(path)
    };
    write("server.crt", server.pem())?;
    let key_path = write("server.key", key.serialize_pem())?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&key_path, std::fs::Permissions::from_mode(0o600)).map_err(|e| e.to_string())?;
    Ok((write("ca.crt", ca.pem())?, write("stranger.crt", stranger.pem())?))
}
