//! Reading an input from a PostgreSQL database (SPEC section 3, "Reading
//! from PostgreSQL"): one connection per query, in a read-only transaction
//! whose session time zone is UTC. The result streams out of
//! `COPY (...) TO STDOUT WITH (FORMAT csv, HEADER)` into the same CSV reader
//! as a file, so its rows are validated exactly as a file's, in blocks:
//! memory stays bounded whatever the result's size. The password comes from
//! `PGPASSWORD` or the password file (`~/.pgpass`), as for `psql`, and no
//! message repeats it.
//!
//! Not responsible for validating rows (`validate` does), nor for the checks
//! of the URL when the config is read (`config::check`).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, SyncSender};
use std::time::Duration;

use futures_util::StreamExt;
use sha2::Digest;
use tokio::runtime::Runtime;
use tokio_postgres::types::Type;
use tokio_postgres::{Client, Column, CopyOutStream, IsolationLevel};

use super::read::{self, Chunk, Format, ReadPlan, SourceFile};
use crate::config::{InputSpec, PostgresSource};
use crate::error::{Error, Result};

mod pgpass;
mod tls;

/// What reading a query found out, for the manifest.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryRead {
    pub input: String,
    pub query: String,
    pub server_version: String,
    /// Of the result as read: the CSV text of the `COPY`, header included.
    pub rows_sha256: String,
}

/// The one "file" of an input read from PostgreSQL: its label
/// (`postgres:<input>`) and the format of the stream, a comma CSV.
pub fn source_file(spec: &InputSpec) -> SourceFile {
    SourceFile { path: PathBuf::from(&spec.pattern), format: Format::Csv { separator: b',' } }
}

/// Runs the query of `source` and calls `each` with consecutive chunks of
/// its result. The connection and the CSV parsing run on threads of their
/// own, one chunk ahead of `each`, as a file's reading does.
pub fn for_each_chunk(
    spec: &InputSpec,
    source: &PostgresSource,
    plan: &ReadPlan<'_>,
    mut each: impl FnMut(&Chunk) -> Result<()>,
) -> Result<QueryRead> {
    let server = Server::of(spec, source)?;
    let mut read = None;
    let stream = |send: &mut dyn FnMut(Chunk) -> Result<()>| {
        read = Some(stream(&server, spec, source, plan, send)?);
        Ok(())
    };
    read::ahead(&server.label, stream, |chunk| each(&chunk)).map_err(|e| server.locate(e))?;
    read.ok_or_else(|| server.error("the query's result ended before its end".to_owned(), None))
}

/// The query's result, streamed in chunks to `send`: the connection runs on
/// a thread of its own ([`pump`]) that only reads the socket, and this one
/// hashes and parses what it gathers, so that the server seldom waits for a
/// reader busy parsing.
fn stream(
    server: &Server,
    spec: &InputSpec,
    source: &PostgresSource,
    plan: &ReadPlan<'_>,
    send: &mut dyn FnMut(Chunk) -> Result<()>,
) -> Result<QueryRead> {
    let (blocks, received) = std::sync::mpsc::sync_channel(BLOCKS_AHEAD);
    let (spent, recycled) = std::sync::mpsc::channel();
    std::thread::scope(|scope| {
        let pump = scope.spawn(move || pump(server, source, &blocks, &recycled));
        let inner = Received { blocks: received, spent, block: Vec::new(), at: 0, ended: false, lost: false };
        let mut rows = Hashed { inner, hasher: sha2::Sha256::new() };
        let parsed = read::for_each_csv_chunk(&mut rows, |e| server.stream_failed(&e), &server.label, b',', plan, send);
        let Hashed { inner, hasher } = rows;
        let lost = inner.lost;
        // A pump still sending stops when no one receives.
        drop(inner);
        let pumped = pump.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        // A stream cut without a word: the server's own error says why;
        // else the parser's error is the first.
        let pumped = match parsed {
            Err(e) if !lost => return Err(e),
            parsed => {
                let pumped = pumped?;
                parsed?;
                pumped
            }
        };
        let server_version =
            pumped.ok_or_else(|| server.error("the query's result ended before its end".to_owned(), None))?;
        Ok(QueryRead {
            input: spec.kind.name().to_owned(),
            query: source.query.clone(),
            server_version,
            rows_sha256: crate::format::hex(&hasher.finalize()),
        })
    })
}

/// Blocks of the result on their way to the parser: enough that the
/// socket is read on while a block is parsed.
const BLOCKS_AHEAD: usize = 8;

/// A block of the result and whether it is the last, or why the result
/// stopped (a row failed, the connection was lost).
type Block = std::io::Result<(Vec<u8>, bool)>;

/// Runs the query and sends its result's bytes in blocks; gives the server
/// version once the result is whole, none when the stream failed (the
/// parser was sent why) or the parser stopped first.
fn pump(
    server: &Server,
    source: &PostgresSource,
    blocks: &SyncSender<Block>,
    recycled: &Receiver<Vec<u8>>,
) -> Result<Option<String>> {
    let (rt, mut client, mut connection) = server.connect()?;
    let tx = rt
        .block_on(client.build_transaction().read_only(true).isolation_level(IsolationLevel::RepeatableRead).start())
        .map_err(|e| server.failed("cannot open a read-only transaction", &e))?;
    rt.block_on(tx.batch_execute(SESSION)).map_err(|e| server.failed("cannot set up the session", &e))?;
    let server_version: String = rt
        .block_on(tx.query_one("SELECT current_setting('server_version')", &[]))
        .and_then(|row| row.try_get(0))
        .map_err(|e| server.failed("cannot read the server version", &e))?;
    let query = source.query.trim().trim_end_matches(';').trim_end();
    let statement = rt.block_on(tx.prepare(query)).map_err(|e| server.query_failed(&e))?;
    let copy = copy_statement(query, statement.columns());
    let mut stream = Box::pin(rt.block_on(tx.copy_out(&copy)).map_err(|e| server.query_failed(&e))?);
    loop {
        let block = recycled.try_recv().unwrap_or_else(|_| Vec::with_capacity(BLOCK + (64 << 10)));
        match rt.block_on(gather(&mut stream, &mut connection, block)) {
            Ok((block, ended)) => {
                if blocks.send(Ok((block, ended))).is_err() {
                    return Ok(None);
                }
                if ended {
                    break;
                }
            }
            Err(e) => {
                let _ = blocks.send(Err(e));
                return Ok(None);
            }
        }
    }
    rt.block_on(tx.commit()).map_err(|e| server.failed("cannot close the transaction", &e))?;
    // Without its client the connection says goodbye to the server and ends.
    drop(client);
    let _ = rt.block_on(connection);
    Ok(Some(server_version))
}

/// Fills `block` with the next messages, one row each (entering the
/// runtime once per row would cost more than the row's parsing); says
/// whether the result ended.
async fn gather(
    stream: &mut std::pin::Pin<Box<CopyOutStream>>,
    connection: &mut Connection,
    mut block: Vec<u8>,
) -> std::io::Result<(Vec<u8>, bool)> {
    block.clear();
    while block.len() < BLOCK {
        match stream.next().await {
            Some(Ok(bytes)) => block.extend_from_slice(&bytes),
            // The connection's own error (a reset, a TLS failure) says why.
            Some(Err(e)) if e.is_closed() => {
                let cause = connection.await.ok().and_then(Result::err);
                return Err(std::io::Error::other(cause.unwrap_or(e)));
            }
            Some(Err(e)) => return Err(std::io::Error::other(e)),
            None => return Ok((block, true)),
        }
    }
    Ok((block, false))
}

/// The connection's task: it ends when the client is dropped, or with the
/// error that closed it.
type Connection = tokio::task::JoinHandle<std::result::Result<(), tokio_postgres::Error>>;

/// Bytes gathered before the parser gets them.
const BLOCK: usize = 1 << 20;

/// The pump's blocks, read as one stream; each block read is sent back to
/// be filled again.
struct Received {
    blocks: Receiver<Block>,
    spent: Sender<Vec<u8>>,
    block: Vec<u8>,
    at: usize,
    ended: bool,
    /// Whether the pump went away before the last block.
    lost: bool,
}

impl Read for Received {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.block.len() {
            if self.ended {
                return Ok(0);
            }
            // A pump gone without its last block failed: its own error,
            // which `stream` gives, says why.
            let Ok(received) = self.blocks.recv() else {
                self.lost = true;
                return Err(std::io::Error::other("the connection stopped"));
            };
            let (block, last) = received?;
            let spent = std::mem::replace(&mut self.block, block);
            let _ = self.spent.send(spent);
            (self.at, self.ended) = (0, last);
        }
        let n = buf.len().min(self.block.len() - self.at);
        buf[..n].copy_from_slice(&self.block[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// The session's settings: instants in UTC, dates `YYYY-MM-DD`, floats
/// written exactly, whatever the server's or the role's defaults.
const SESSION: &str = "SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; \
                       SET LOCAL extra_float_digits = 3; SET LOCAL IntervalStyle = 'iso_8601'";

/// The `COPY` of the query's result, every column under its own name.
/// PostgreSQL writes a `timestamptz` with a short offset (`+00`), which is
/// not one of SPEC section 3's forms: those columns are written as UTC with
/// a `Z` instead (`2026-10-01 08:00:00Z`, `2026-10-01 08:00:00.25Z`). Columns are renamed by position
/// first, so a result that names a column twice still reads, and the CSV
/// reader then says so as it does for a file.
fn copy_statement(query: &str, columns: &[Column]) -> String {
    let position = |k: usize| format!("q.jauge_{}", k + 1);
    let select: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let value = if *c.type_() == Type::TIMESTAMPTZ {
                let p = position(k);
                // `timestamp` output and a `Z`, not `to_char`, which reads
                // its pattern again for every row: the server's time on a
                // large result is mostly this column's text.
                format!("CASE WHEN isfinite({p}) THEN ({p} AT TIME ZONE 'UTC')::text || 'Z' ELSE {p}::text END")
            } else {
                position(k)
            };
            format!("{value} AS {}", identifier(c.name()))
        })
        .collect();
    let aliases: Vec<String> = (0..columns.len()).map(|k| format!("jauge_{}", k + 1)).collect();
    let select = if select.is_empty() { "*".to_owned() } else { select.join(", ") };
    let aliases = if aliases.is_empty() { String::new() } else { format!("({})", aliases.join(", ")) };
    format!("COPY (SELECT {select} FROM ({query}\n) AS q{aliases}) TO STDOUT WITH (FORMAT csv, HEADER)")
}

/// A quoted SQL identifier.
fn identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Hashes what it reads.
struct Hashed<R> {
    inner: R,
    hasher: sha2::Sha256,
}

impl<R: Read> Read for Hashed<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Where an input's query runs, and how its errors are worded.
struct Server {
    config: tokio_postgres::Config,
    /// `postgres:<input>`: the `file` of its errors and rejects.
    label: PathBuf,
    input: &'static str,
    /// `host:port`, or the socket folder.
    host: String,
    /// Why the password file was not read, for the hint of a refused login.
    pgpass_note: Option<String>,
    root_cert: Option<PathBuf>,
}

/// How long to wait for a server that does not answer, unless the URL says.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

impl Server {
    fn of(spec: &InputSpec, source: &PostgresSource) -> Result<Server> {
        let input = spec.kind.name();
        let label = PathBuf::from(&spec.pattern);
        let mut config: tokio_postgres::Config =
            source.url.parse().map_err(|e: tokio_postgres::Error| Error::Input {
                file: spec.pattern.clone(),
                column: None,
                row: None,
                message: format!("inputs.postgres.{input}.url cannot be read: {}", plain(&e)),
                hint: Some(
                    "write it postgresql://user@host[:port]/database[?sslmode=require]; \
                 see docs/configuration.md"
                        .to_owned(),
                ),
            })?;
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        if config.get_hosts().is_empty() {
            config.host(env("PGHOST").unwrap_or_else(|| "localhost".to_owned()));
        }
        if config.get_ports().is_empty()
            && let Some(port) = env("PGPORT").and_then(|p| p.parse().ok())
        {
            config.port(port);
        }
        if config.get_user().is_none()
            && let Some(user) = env("PGUSER").or_else(|| env("USER")).or_else(|| env("LOGNAME"))
        {
            config.user(&user);
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("jauge");
        }
        let host = host_label(&config);
        let mut pgpass_note = None;
        if let Some(password) = env("PGPASSWORD") {
            config.password(password);
        } else {
            let (host, port) = pgpass::target(&config);
            let user = config.get_user().unwrap_or("");
            let dbname = config.get_dbname().unwrap_or(user);
            match pgpass::lookup(&host, port, dbname, user) {
                Ok(Some(password)) => {
                    config.password(password);
                }
                Ok(None) => {}
                Err(note) => pgpass_note = Some(note),
            }
        }
        let root_cert = env("PGSSLROOTCERT")
            .map(PathBuf::from)
            .or_else(|| env("HOME").map(|h| Path::new(&h).join(".postgresql/root.crt")))
            .filter(|p| p.is_file());
        Ok(Server { config, label, input, host, pgpass_note, root_cert })
    }

    /// A runtime of one thread, the client, and its connection: a task of
    /// that runtime, which runs while the client waits on it.
    fn connect(&self) -> Result<(Runtime, Client, Connection)> {
        let tls = tls::connector(self.root_cert.as_deref()).map_err(|message| self.error(message, None))?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| self.error(format!("cannot start the connection's runtime: {e}"), None))?;
        let (client, connection) = rt.block_on(self.config.connect(tls)).map_err(|e| self.connect_failed(&e))?;
        let connection = rt.spawn(connection);
        Ok((rt, client, connection))
    }

    fn error(&self, message: String, hint: Option<String>) -> Error {
        read::input_error(&self.label, message, hint)
    }

    fn connect_failed(&self, e: &tokio_postgres::Error) -> Error {
        let input = self.input;
        let said = server_said(e);
        let (what, hint) = match e.as_db_error().map(|d| d.code().code()) {
            // invalid_password, invalid_authorization_specification
            Some("28P01" | "28000") => ("the server refused the login", self.login_hint()),
            // invalid_catalog_name
            Some("3D000") => (
                "the database does not exist",
                format!("check the database name at the end of inputs.postgres.{input}.url"),
            ),
            Some(_) => ("the server refused the connection", self.login_hint()),
            None if said.contains("password missing") => ("the server asks for a password", self.login_hint()),
            None if said.contains("TLS") || said.contains("tls") || said.contains("certificate") => (
                "the encrypted connection failed",
                "check sslmode in the url (disable, prefer or require) and, when ~/.postgresql/root.crt \
                 or PGSSLROOTCERT is there, that it holds the certificate of the server's authority"
                    .to_owned(),
            ),
            None => (
                "cannot reach the server",
                format!(
                    "check the host and port of inputs.postgres.{input}.url, that the server is running \
                     and that it accepts connections from this machine"
                ),
            ),
        };
        self.error(format!("{what} at {}: {said}", self.host), Some(hint))
    }

    fn login_hint(&self) -> String {
        let mut hint = "set PGPASSWORD, or add the line host:port:database:user:password to ~/.pgpass \
                        (or the file PGPASSFILE names), readable by you only (chmod 600); check the user \
                        in the url"
            .to_owned();
        if let Some(note) = &self.pgpass_note {
            hint.push_str("; ");
            hint.push_str(note);
        }
        hint
    }

    /// A failure of the query itself: a missing table or column, a
    /// syntax error.
    fn query_failed(&self, e: &tokio_postgres::Error) -> Error {
        let input = self.input;
        let what = match e.as_db_error().map(|d| d.code().code()) {
            Some("42P01") => "the query names a table that does not exist",
            Some("42703") => "the query names a column that does not exist",
            Some("42501") => "the role may not read what the query names",
            Some(c) if c.starts_with("42") => "the query is not valid",
            _ => "the query failed",
        };
        self.error(
            format!("{what} (server at {}): {}", self.host, server_said(e)),
            Some(format!(
                "run inputs.postgres.{input}.query in psql as the same user to see it fail, then fix it \
                 in the config; the role needs SELECT on the tables it reads"
            )),
        )
    }

    /// A result that cannot be read at all (a required column missing, one
    /// named twice) also names the server.
    fn locate(&self, e: Error) -> Error {
        match e {
            Error::Input { file, column, row: None, message, hint } if !message.contains(&self.host) => {
                let message = format!("{message} in the query's result (server at {})", self.host);
                Error::Input { file, column, row: None, message, hint }
            }
            e => e,
        }
    }

    fn failed(&self, what: &str, e: &tokio_postgres::Error) -> Error {
        self.error(
            format!("{what} (server at {}): {}", self.host, server_said(e)),
            Some("run the same query in psql as the same user; see docs/configuration.md".to_owned()),
        )
    }

    /// A failure while the result streams: the query failed on a row
    /// (a division by zero, a bad cast) or the connection was lost.
    fn stream_failed(&self, e: &std::io::Error) -> Error {
        let said = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<tokio_postgres::Error>())
            .map_or_else(|| e.to_string(), server_said);
        self.error(
            format!("the query stopped while its rows were read (server at {}): {said}", self.host),
            Some(format!(
                "run inputs.postgres.{} in psql as the same user; if the connection was lost, run again",
                self.input
            )),
        )
    }
}

/// `host:port` of the first host, or its socket folder.
fn host_label(config: &tokio_postgres::Config) -> String {
    let port = config.get_ports().first().copied().unwrap_or(5432);
    match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(host)) => format!("{host}:{port}"),
        Some(tokio_postgres::config::Host::Unix(dir)) => format!("{}:{port}", dir.display()),
        None => format!("localhost:{port}"),
    }
}

/// The server's own message, with its detail and hint when it gives them.
fn server_said(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut said = db.message().to_owned();
            for extra in [db.detail(), db.hint()].into_iter().flatten() {
                said.push_str(" (");
                said.push_str(extra);
                said.push(')');
            }
            said
        }
        None => plain(e),
    }
}

/// A client error in words: the library's own chain of causes.
fn plain(e: &tokio_postgres::Error) -> String {
    let mut said = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !said.contains(&text) {
            said.push_str(": ");
            said.push_str(&text);
        }
        source = cause.source();
    }
    said
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_double_their_quotes() {
        assert_eq!(identifier("occurred_at"), "\"occurred_at\"");
        assert_eq!(identifier("a\"b"), "\"a\"\"b\"");
    }

    #[test]
    fn a_query_keeps_its_text_and_tags_nothing_else() {
        let copy = copy_statement("SELECT 1 AS a", &[]);
        assert_eq!(copy, "COPY (SELECT * FROM (SELECT 1 AS a\n) AS q) TO STDOUT WITH (FORMAT csv, HEADER)");
    }

    #[test]
    fn the_sha256_is_of_the_bytes_read() {
        let mut hashed = Hashed { inner: &b"abc"[..], hasher: sha2::Sha256::new() };
        std::io::copy(&mut hashed, &mut std::io::sink()).unwrap();
        let hex = crate::format::hex(&hashed.hasher.finalize());
        // FIPS 180-2, appendix B.1: SHA-256("abc").
        assert_eq!(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
