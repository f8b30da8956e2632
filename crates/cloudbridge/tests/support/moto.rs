//! A moto EC2 server for tests: started on 127.0.0.1 at a free port, killed by pid on drop.
//!
//! moto (Python package `moto[server]`, tested with 5.2.1) logs one line per request to
//! stderr. The harness writes that log to a file, so tests can count the requests received.

use std::fs::File;
use std::io::ErrorKind as IoErrorKind;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the server may take to accept connections (it needs about 0.6 s when idle).
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How many ports are tried when another process takes the chosen one first.
const START_ATTEMPTS: usize = 3;

/// A running `moto_server` process.
pub struct MotoServer {
    child: Child,
    port: u16,
    log_path: PathBuf,
    _dir: tempfile::TempDir,
}

impl MotoServer {
    /// Starts a server without moto's built-in AMIs.
    pub fn start() -> MotoServer {
        MotoServer::start_with_env(&[])
    }

    /// Starts a server that loads its AMIs (and their snapshots) from a JSON file.
    pub fn start_with_amis(amis_json: &Path) -> MotoServer {
        let path = amis_json.to_str().expect("AMI file path is UTF-8");
        MotoServer::start_with_env(&[("MOTO_AMIS_PATH", path)])
    }

    fn start_with_env(env: &[(&str, &str)]) -> MotoServer {
        for _ in 0..START_ATTEMPTS {
            let dir = tempfile::tempdir().expect("create a temporary directory for the moto log");
            let log_path = dir.path().join("moto.log");
            let log = File::create(&log_path).expect("create the moto log file");
            let port = free_port();
            let mut command = Command::new("moto_server");
            command
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .env("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
                .env("AWS_EC2_METADATA_DISABLED", "true")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(log);
            for (name, value) in env {
                command.env(name, value);
            }
            let child = match command.spawn() {
                Ok(child) => child,
                Err(error) if error.kind() == IoErrorKind::NotFound => panic!(
                    "moto_server is not installed (not found on PATH); install it with \
                     `pip install 'moto[server]==5.2.1'`"
                ),
                Err(error) => panic!("failed to start moto_server: {error}"),
            };
            let mut server = MotoServer {
                child,
                port,
                log_path,
                _dir: dir,
            };
            if server.wait_until_ready() {
                return server;
            }
            // The server exited, most likely because another process took the port first.
        }
        panic!("moto_server failed to start {START_ATTEMPTS} times; see the logs above");
    }

    /// Waits until the server accepts connections; false when it exited first.
    fn wait_until_ready(&mut self) -> bool {
        let address = SocketAddr::from(([127, 0, 0, 1], self.port));
        let deadline = Instant::now() + START_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                eprintln!(
                    "moto_server exited with {status}; log:\n{}",
                    std::fs::read_to_string(&self.log_path).unwrap_or_default()
                );
                return false;
            }
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "moto_server did not accept connections on port {} within {:?}",
            self.port, START_TIMEOUT
        );
    }

    /// The endpoint URL, such as `http://127.0.0.1:40123`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Counts the POST requests the server has logged so far (every EC2 call is a POST).
    pub fn post_count(&self) -> usize {
        let log = std::fs::read_to_string(&self.log_path).expect("read the moto log");
        log.lines().filter(|line| line.contains("\"POST ")).count()
    }

    /// Waits briefly until the server has logged `expected` POST requests, because moto
    /// writes its log line after sending the response.
    pub fn wait_for_post_count(&self, expected: usize) -> usize {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let count = self.post_count();
            if count >= expected || Instant::now() >= deadline {
                return count;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Returns a port that was free a moment ago on 127.0.0.1.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port on 127.0.0.1");
    listener
        .local_addr()
        .expect("read the bound address")
        .port()
}
