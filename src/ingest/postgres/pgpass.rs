//! libpq's password file, read as `psql` reads it: `~/.pgpass`, or the
//! file `PGPASSFILE` names; one `host:port:database:username:password` per
//! line, `*` matching anything in the first four fields, `\:` and `\\` for a
//! colon and a backslash, the first matching line winning. A file that
//! others may read is not read, as libpq refuses it.
//!
//! Not responsible for `PGPASSWORD`, which comes first (`postgres`).

use std::path::PathBuf;

/// The host and port a password line is matched against: a Unix socket
/// connection matches `localhost`, as in libpq.
pub fn target(config: &tokio_postgres::Config) -> (String, u16) {
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let host = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(host)) => host.clone(),
        _ => "localhost".to_owned(),
    };
    (host, port)
}

/// The password of the first matching line; the error says why the file
/// was not read, for a hint.
pub fn lookup(host: &str, port: u16, dbname: &str, user: &str) -> Result<Option<String>, String> {
    let Some(path) = file() else {
        return Ok(None);
    };
    let Ok(meta) = std::fs::metadata(&path) else {
        return Ok(None);
    };
    let shown = path.display();
    if !meta.is_file() {
        return Err(format!("{shown} is not a file, so it was not read"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            return Err(format!("{shown} may be read by others, so it was not read (chmod 600 {shown})"));
        }
    }
    let text = std::fs::read_to_string(&path).map_err(|_| format!("{shown} cannot be read as UTF-8 text"))?;
    Ok(find(&text, &[host, &port.to_string(), dbname, user]))
}

fn file() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    var("PGPASSFILE").map(PathBuf::from).or_else(|| var("HOME").map(|home| PathBuf::from(home).join(".pgpass")))
}

/// The password of the first line of `text` whose four first fields match
/// `wanted` (host, port, database, user).
pub fn find(text: &str, wanted: &[&str; 4]) -> Option<String> {
    text.lines().filter(|line| !line.starts_with('#')).find_map(|line| {
        let fields = fields(line.strip_suffix('\r').unwrap_or(line))?;
        let matches = fields[..4].iter().zip(wanted).all(|((field, any), want)| *any || field == want);
        matches.then(|| fields[4].0.clone())
    })
}

/// The five fields of a line, unescaped, each with whether it is the
/// wildcard `*`; the password is the rest of the line.
fn fields(line: &str) -> Option<Vec<(String, bool)>> {
    let mut fields = Vec::with_capacity(5);
    let mut field = String::new();
    let mut raw_star = true;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ':' if fields.len() < 4 => {
                let any = raw_star && field == "*";
                fields.push((std::mem::take(&mut field), any));
                raw_star = true;
            }
            '\\' => {
                field.extend(chars.next());
                raw_star = false;
            }
            c => field.push(c),
        }
    }
    fields.push((field, false));
    (fields.len() == 5).then_some(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The format as the PostgreSQL documentation describes it ("The
    // Password File", libpq chapter 34.16): fields may be `*`; `\:` and
    // `\\` escape; the first matching line is used.
    const FILE: &str = "# a comment line\n\
                        db.example:5432:produit:reader:first\n\
                        db.example:*:produit:analyst:se\\:cr\\\\et\n\
                        *:*:*:analyst:fallback\n";

    fn find_for(host: &str, port: &str, db: &str, user: &str) -> Option<String> {
        find(FILE, &[host, port, db, user])
    }

    #[test]
    fn the_first_matching_line_gives_the_password() {
        assert_eq!(find_for("db.example", "5432", "produit", "reader").as_deref(), Some("first"));
        assert_eq!(find_for("db.example", "6543", "produit", "analyst").as_deref(), Some("se:cr\\et"));
        assert_eq!(find_for("other", "5432", "x", "analyst").as_deref(), Some("fallback"));
        assert_eq!(find_for("db.example", "5433", "produit", "reader"), None);
    }

    #[test]
    fn an_escaped_star_is_a_star_and_short_lines_match_nothing() {
        assert_eq!(find("\\*:*:*:*:pw\n", &["h", "1", "d", "u"]), None);
        assert_eq!(find("\\*:*:*:*:pw\n", &["*", "1", "d", "u"]).as_deref(), Some("pw"));
        assert_eq!(find("h:1:d:u\n", &["h", "1", "d", "u"]), None);
        // A colon in the password needs no escape: it is the rest of the line.
        assert_eq!(find("h:1:d:u:a:b\r\n", &["h", "1", "d", "u"]).as_deref(), Some("a:b"));
    }
}
