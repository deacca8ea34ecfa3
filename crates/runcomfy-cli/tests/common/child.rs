//! A child process's signals and stderr.

use std::time::Duration;

/// Sends SIGINT (Ctrl-C) to `child`.
pub(crate) fn send_sigint(child: &tokio::process::Child) {
    let pid = child.id().expect("still running").to_string();
    let sent = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill");
    assert!(sent.success());
}

/// Sends the second SIGINT once the first one's handler has had the time
/// to listen for it; the exit code, which must come within 5 s (else fails
/// with `why`).
pub(crate) async fn second_sigint(child: &mut tokio::process::Child, why: &str) -> Option<i32> {
    // Let the handler of the second Ctrl-C start listening.
    tokio::time::sleep(Duration::from_millis(300)).await;
    send_sigint(child);
    tokio::time::timeout(Duration::from_secs(5), child.wait())
        .await
        .expect(why)
        .expect("exits")
        .code()
}

/// A child's stderr, read line by line, with everything read kept.
pub(crate) struct Stderr {
    lines: tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStderr>>,
    /// Every line read so far.
    pub(crate) seen: String,
}

impl Stderr {
    /// Takes `child`'s piped stderr.
    pub(crate) fn of(child: &mut tokio::process::Child) -> Self {
        use tokio::io::AsyncBufReadExt as _;
        let pipe = child.stderr.take().expect("stderr is piped");
        Self {
            lines: tokio::io::BufReader::new(pipe).lines(),
            seen: String::new(),
        }
    }

    /// Reads up to and including a line that starts with `prefix`; false
    /// when stderr ends first.
    pub(crate) async fn until(&mut self, prefix: &str) -> bool {
        while let Some(line) = self.next().await {
            if line.starts_with(prefix) {
                return true;
            }
        }
        false
    }

    /// The next line, kept in `seen`.
    async fn next(&mut self) -> Option<String> {
        let line = self.lines.next_line().await.ok()??;
        self.seen.push_str(&line);
        self.seen.push('\n');
        Some(line)
    }
}
