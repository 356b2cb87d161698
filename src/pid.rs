//! Whether a process still runs: what tells a dead run's leftover
//! temporary folders (named with its process id) from a live run's.
//!
//! Not responsible for removing anything: `output::folder` and
//! `ingest::store` decide what is a leftover.

/// True while a process of that id exists, as `/proc` says. Where there is
/// no `/proc` (not Linux) every process is taken for alive: a leftover
/// then stays rather than a live run's folder going.
pub fn alive(pid: u32) -> bool {
    let proc = std::path::Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

/// The process id a leftover's name ends with, after `prefix`:
/// `.out.jauge-tmp-1234` → 1234. A name not of that form gives none.
pub fn owner(name: &str, prefix: &str) -> Option<u32> {
    let rest = name.strip_prefix(prefix)?;
    let digits = rest.split('-').next()?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_a_pid_past_the_kernel_limit_is_not() {
        assert!(alive(std::process::id()));
        // Linux caps process ids at 2^22 (`/proc/sys/kernel/pid_max`).
        if cfg!(target_os = "linux") {
            assert!(!alive(4_194_305));
        }
    }

    #[test]
    fn owners_come_from_the_name_only() {
        assert_eq!(owner(".out.jauge-tmp-1234", ".out.jauge-tmp-"), Some(1234));
        assert_eq!(owner("jauge-events-77-Ab3x", "jauge-events-"), Some(77));
        assert_eq!(owner("jauge-events-Ab3x", "jauge-events-"), None);
        assert_eq!(owner(".out.jauge-old-", ".out.jauge-old-"), None);
        assert_eq!(owner(".other.jauge-tmp-12", ".out.jauge-tmp-"), None);
    }
}
