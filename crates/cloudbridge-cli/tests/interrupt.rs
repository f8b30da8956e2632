//! Ctrl-C (SIGINT) during `cloudbridge walkthrough`, on a local cloud slowed down so that each
//! step takes a few hundred milliseconds.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use common::{Cloud, ids};
use serde_json::json;

/// Maximum time a slowed-down walkthrough may take, well above the 6 s it usually takes.
const RUN_LIMIT: Duration = Duration::from_secs(120);

/// A walkthrough running in the background, its stdout read line by line.
struct Running {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Running {
    /// Starts the walkthrough with 400 ms per state transition and 100 ms per MiB copied into
    /// a snapshot or restored volume (the walkthrough copies 4 MiB).
    fn start(cloud: &Cloud) -> Running {
        let mut child = cloud
            .std_command()
            .env("CB_LOCAL_TRANSITION_DELAY_MS", "400")
            .env("CB_LOCAL_COPY_PAUSE_MS", "100")
            .arg("walkthrough")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let stdout = child.stdout.take().expect("a stdout pipe");
        let (sender, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Running {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits until a line of stdout contains `text`.
    fn wait_for_line(&mut self, text: &str) {
        let deadline = Instant::now() + RUN_LIMIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let found = line.contains(text);
                    self.seen.push(line);
                    if found {
                        return;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    let _ = self.child.kill();
                    panic!("no line with {text:?} in time:\n{}", self.seen.join("\n"));
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("stdout ended before {text:?}:\n{}", self.seen.join("\n"));
                }
            }
        }
    }

    /// Sends SIGINT, as Ctrl-C on a terminal does.
    fn interrupt(&self) {
        let status = std::process::Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -INT failed: {status}");
    }

    /// Waits for the exit and returns the exit code, all of stdout and all of stderr.
    fn finish(mut self) -> (i32, String, String) {
        let deadline = Instant::now() + RUN_LIMIT;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("the exit status") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the walkthrough did not exit:\n{}", self.seen.join("\n"));
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        // The reader thread ends at end of file, which the exit has caused.
        self.seen.extend(self.lines.iter());
        let mut stderr = String::new();
        self.child
            .stderr
            .take()
            .expect("a stderr pipe")
            .read_to_string(&mut stderr)
            .expect("UTF-8 stderr");
        let code = status.code().expect("an exit code, not a signal");
        (code, self.seen.join("\n"), stderr)
    }
}

fn assert_cloud_is_empty(cloud: &Cloud) {
    let everything = cloud.everything();
    assert_eq!(
        everything["volumes"],
        json!([]),
        "volumes left: {everything}"
    );
    assert_eq!(
        everything["snapshots"],
        json!([]),
        "snapshots left: {everything}"
    );
    assert_eq!(
        everything["instances"],
        json!([]),
        "instances left: {everything}"
    );
}

#[test]
fn interrupt_in_snapshot_step_deletes_everything() {
    let cloud = Cloud::new();
    let mut run = Running::start(&cloud);

    // Step 7 copies 4 MiB at 100 ms each, so 100 ms after step 6 the copy is in progress.
    run.wait_for_line(" 6. detach volume");
    std::thread::sleep(Duration::from_millis(100));
    run.interrupt();
    let (code, stdout, stderr) = run.finish();

    assert_eq!(code, 130, "{stderr}");
    assert_cloud_is_empty(&cloud);
    assert!(stdout.contains("delete snapshot"), "{stdout}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("create snapshot"), "{stderr}");
    assert!(stderr.contains("interrupted by Ctrl-C"), "{stderr}");
    assert!(stderr.contains("deleted every resource"), "{stderr}");
}

#[test]
fn interrupt_in_restore_step_deletes_everything() {
    let cloud = Cloud::new();
    let mut run = Running::start(&cloud);

    // Step 8 copies the snapshot's 4 MiB into the new volume at 100 ms each.
    run.wait_for_line(" 7. create snapshot");
    std::thread::sleep(Duration::from_millis(100));
    run.interrupt();
    let (code, stdout, stderr) = run.finish();

    assert_eq!(code, 130, "{stderr}");
    assert_cloud_is_empty(&cloud);
    assert_eq!(stdout.matches("delete volume").count(), 2, "{stdout}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("restore volume"), "{stderr}");
    assert!(stderr.contains("deleted every resource"), "{stderr}");
}

#[test]
fn cleanup_continues_after_one_interrupt() {
    let cloud = Cloud::new();
    let mut run = Running::start(&cloud);

    run.wait_for_line(" 3. create instance");
    run.interrupt();
    // The cleanup deletes the volume, then the instance: interrupt it between the two.
    run.wait_for_line("delete volume");
    run.interrupt();
    let (code, stdout, stderr) = run.finish();

    assert_eq!(code, 130, "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(lines[0].contains("cleanup continues"), "{stderr}");
    assert!(lines[0].contains("Ctrl-C again"), "{stderr}");
    assert!(lines[1].starts_with("error: "), "{stderr}");
    assert!(lines[1].contains("deleted every resource"), "{stderr}");
    assert!(stdout.contains("delete instance"), "{stdout}");
    assert_cloud_is_empty(&cloud);
}

#[test]
fn second_cleanup_interrupt_abandons_cleanup() {
    let cloud = Cloud::new();
    let mut run = Running::start(&cloud);

    run.wait_for_line(" 3. create instance");
    run.interrupt();
    run.wait_for_line("delete volume");
    run.interrupt();
    std::thread::sleep(Duration::from_millis(50));
    run.interrupt();
    let (code, stdout, stderr) = run.finish();

    assert_eq!(code, 130, "{stderr}");
    let error = stderr.lines().last().unwrap_or_default();
    assert!(error.contains("cleanup was interrupted"), "{stderr}");
    assert!(!error.contains("deleted every resource"), "{stderr}");
    assert!(!stdout.contains("delete instance"), "{stdout}");
    let instances = ids(&cloud.json(&["instance", "list"]));
    assert_eq!(instances.len(), 1, "{instances:?}");
    assert!(error.contains(&instances[0]), "{stderr}");
}

#[test]
fn interrupt_during_wait_names_the_resource() {
    let cloud = Cloud::new();
    let mut child = cloud
        .std_command()
        .env("CB_LOCAL_TRANSITION_DELAY_MS", "20000")
        .args(["volume", "create", "waited-on", "--size", "1", "--wait"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");

    // The wait starts once the create has returned, which the volume listing shows.
    let deadline = Instant::now() + RUN_LIMIT;
    let volume_id = loop {
        assert!(Instant::now() < deadline, "the volume never appeared");
        let listed = cloud.json(&["volume", "list"]);
        if let Some(id) = listed[0]["id"].as_str() {
            break id.to_string();
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    std::thread::sleep(Duration::from_millis(300));
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());

    let exit = loop {
        if let Some(status) = child.try_wait().expect("the exit status") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the command did not exit after Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert_eq!(exit.code(), Some(130), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("interrupted while waiting"), "{stderr}");
    assert!(stderr.contains(&volume_id), "{stderr}");
    assert!(stderr.contains("creating"), "{stderr}");
}
