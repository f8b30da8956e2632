//! Exit codes and the one-line error report on stderr.

use std::fmt;
use std::io::{self, Write};
use std::process::ExitCode;

use cloudbridge::ErrorKind;

/// The command succeeded.
pub const SUCCESS: u8 = 0;
/// A failure in the command itself: writing its output, starting its runtime, or the
/// walkthrough's reads, writes and data check on the attached device. Errors in the local
/// provider's data directory come from the library and exit with 15 instead.
pub const LOCAL_FAILURE: u8 = 1;
/// The command line is invalid: an unknown command or flag, a missing argument, a value of the
/// wrong type (exit code 2 is also what clap and most Unix tools use for this).
pub const USAGE: u8 = 2;
/// The command was interrupted with Ctrl-C (128 + SIGINT, as shells report it).
pub const INTERRUPTED: u8 = 130;

/// Returns the exit code of a library error kind. Every kind has its own.
pub fn code_of(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::NotFound => 3,
        ErrorKind::InvalidLabel => 4,
        ErrorKind::InvalidParameter => 5,
        ErrorKind::InvalidState => 6,
        ErrorKind::ZoneMismatch => 7,
        ErrorKind::DeviceInUse => 8,
        ErrorKind::QuotaExceeded => 9,
        ErrorKind::Throttled => 10,
        ErrorKind::Authentication => 11,
        ErrorKind::TimedOut => 12,
        ErrorKind::Unreachable => 13,
        ErrorKind::Configuration => 14,
        // `ErrorKind` is non-exhaustive: a kind added later counts as a provider failure.
        _ => 15,
    }
}

/// The exit code table shown at the end of `--help`; keep it in step with [`code_of`] and the
/// README.
pub const EXIT_CODES_HELP: &str = "\
Exit status:
  0    success
  1    failure in the command itself (writing output, walkthrough data check)
  2    invalid command line (unknown flag, missing or malformed argument, unknown --state)
  3    not found: no resource with that id
  4    invalid label
  5    invalid parameter (size, zone, device name, limit, marker)
  6    invalid state for the operation (for example deleting an attached volume)
  7    volume and instance are in different zones
  8    device name already in use on the instance
  9    quota exceeded
  10   throttled by the provider
  11   authentication failed or credentials missing
  12   timed out
  13   provider endpoint unreachable
  14   configuration missing or invalid (environment variable, config file, profile)
  15   other provider failure (including the local data directory)
  130  interrupted (Ctrl-C)";

/// A failed command: its exit code and the one line printed on stderr.
#[derive(Debug)]
pub struct Failure {
    code: u8,
    message: String,
    hint: Option<String>,
}

impl Failure {
    /// Creates a failure with an exit code, a message naming what failed, and what to do.
    pub fn new(code: u8, message: impl Into<String>, hint: Option<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
            hint,
        }
    }

    /// Creates a failure on this machine, such as a file that cannot be read.
    pub fn local(message: impl Into<String>, hint: impl Into<String>) -> Failure {
        Failure::new(LOCAL_FAILURE, message, Some(hint.into()))
    }

    /// Creates a failure that ends the command silently with success, because stdout was closed
    /// by its reader (as with `cloudbridge volume list | head -1`) and nothing more can be shown.
    pub fn broken_pipe() -> Failure {
        Failure::new(SUCCESS, "", None)
    }

    /// Puts a phrase naming the failed operation in front of the message.
    pub fn prefix(mut self, text: &str) -> Failure {
        self.message = format!("{text}: {}", self.message);
        self
    }

    /// Returns the exit code.
    pub fn code(&self) -> u8 {
        self.code
    }

    /// Returns the message without the hint.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Replaces the hint on what to do next.
    pub fn with_hint(mut self, hint: &str) -> Failure {
        self.hint = Some(hint.to_string());
        self
    }

    /// Appends a sentence to the message, keeping the code and the hint.
    pub fn append(mut self, text: &str) -> Failure {
        self.message.push_str("; ");
        self.message.push_str(text);
        self
    }

    /// Prints the one-line report on stderr (nothing for a closed stdout) and returns the exit
    /// code for `main`.
    pub fn report(self) -> ExitCode {
        if self.code != SUCCESS {
            // If stderr itself is closed, the exit code is all that is left to report.
            let _ = writeln!(io::stderr().lock(), "error: {self}");
        }
        ExitCode::from(self.code)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = match &self.hint {
            Some(hint) => format!("{}; {hint}", self.message),
            None => self.message.clone(),
        };
        // The report is one line whatever a provider put into its message.
        let line: String = line
            .chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
            .collect();
        f.write_str(&line)
    }
}

impl From<cloudbridge::Error> for Failure {
    fn from(error: cloudbridge::Error) -> Failure {
        let hint = hint_for(&error);
        Failure::new(code_of(error.kind()), error.to_string(), hint)
    }
}

impl From<io::Error> for Failure {
    /// Converts an error writing to stdout.
    fn from(error: io::Error) -> Failure {
        if error.kind() == io::ErrorKind::BrokenPipe {
            Failure::broken_pipe()
        } else {
            Failure::local(
                format!("writing the output failed: {error}"),
                "check that stdout is writable",
            )
        }
    }
}

/// Returns what to do next for an error, where the library's message does not already say it.
///
/// The library's own messages for invalid labels and parameters, zone mismatches, devices in
/// use and configuration errors each name the value and what to change, so they get no hint.
fn hint_for(error: &cloudbridge::Error) -> Option<String> {
    let hint = match error.kind() {
        ErrorKind::NotFound => {
            "check the id with `cloudbridge volume list`, `snapshot list` or `instance list` \
             (listings show the zone chosen by --zone)"
        }
        ErrorKind::InvalidLabel
        | ErrorKind::InvalidParameter
        | ErrorKind::ZoneMismatch
        | ErrorKind::DeviceInUse
        | ErrorKind::Configuration => return None,
        ErrorKind::InvalidState => {
            "check the state with `show`, or wait for the needed state with `cloudbridge wait`"
        }
        ErrorKind::QuotaExceeded => {
            "delete resources you no longer need or ask the provider for a higher quota"
        }
        ErrorKind::Throttled => "retry in a while",
        // Without a provider error code the library found no credentials and its message
        // already lists where to set them.
        ErrorKind::Authentication if error.code().is_none() => return None,
        ErrorKind::Authentication => {
            "check the provider's credentials (for AWS: AWS_PROFILE, AWS_ACCESS_KEY_ID and \
             AWS_SECRET_ACCESS_KEY, or `aws configure`)"
        }
        ErrorKind::TimedOut => {
            "check the resource with `show`, or wait longer with `cloudbridge wait ... --timeout`"
        }
        ErrorKind::Unreachable => {
            "check the network and the endpoint (for AWS: AWS_ENDPOINT_URL and the region)"
        }
        _ => "run again with --verbose for details",
    };
    Some(hint.to_string())
}

/// Turns a clap error into the one-line report: clap's own text, its continuation lines joined,
/// without the usage block.
pub fn usage_failure(error: &clap::Error) -> Failure {
    let text = error.render().to_string();
    let mut parts: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("Usage:") || line.starts_with("For more information") {
            break;
        }
        if line.is_empty() {
            continue;
        }
        parts.push(line.to_string());
    }
    let message = parts.join(" ");
    let message = message.strip_prefix("error: ").unwrap_or(&message);
    Failure::new(
        USAGE,
        message.to_string(),
        Some("run with --help for usage".to_string()),
    )
}

/// Reports a command line that stops before naming a command, such as `cloudbridge volume`,
/// listing the commands allowed at that point.
pub fn missing_command_failure(args: impl IntoIterator<Item = String>) -> Failure {
    use clap::CommandFactory;

    let mut command = crate::cli::Cli::command();
    let mut path = vec![command.get_name().to_string()];
    for arg in args {
        let Some(sub) = command.find_subcommand(&arg).cloned() else {
            continue;
        };
        path.push(sub.get_name().to_string());
        command = sub;
    }
    let choices: Vec<&str> = command
        .get_subcommands()
        .map(|sub| sub.get_name())
        .filter(|name| *name != "help")
        .collect();
    let path = path.join(" ");
    Failure::new(
        USAGE,
        format!(
            "missing command after `{path}`: expected one of {}",
            choices.join(", ")
        ),
        Some(format!("run `{path} --help` for usage")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_kind_has_its_own_code() {
        let kinds = [
            ErrorKind::NotFound,
            ErrorKind::InvalidLabel,
            ErrorKind::InvalidParameter,
            ErrorKind::InvalidState,
            ErrorKind::ZoneMismatch,
            ErrorKind::DeviceInUse,
            ErrorKind::QuotaExceeded,
            ErrorKind::Throttled,
            ErrorKind::Authentication,
            ErrorKind::TimedOut,
            ErrorKind::Unreachable,
            ErrorKind::Configuration,
            ErrorKind::Provider,
        ];
        let mut codes: Vec<u8> = kinds.iter().map(|kind| code_of(*kind)).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), kinds.len());
        for code in codes {
            assert!(![SUCCESS, LOCAL_FAILURE, USAGE, INTERRUPTED].contains(&code));
            assert!(
                EXIT_CODES_HELP.contains(&format!("\n  {code} ")),
                "help lacks {code}"
            );
        }
    }

    #[test]
    fn instructive_library_messages_get_no_hint() {
        let kinds = [
            ErrorKind::InvalidLabel,
            ErrorKind::InvalidParameter,
            ErrorKind::ZoneMismatch,
            ErrorKind::DeviceInUse,
            ErrorKind::Configuration,
            ErrorKind::Authentication,
        ];
        for kind in kinds {
            let failure = Failure::from(cloudbridge::Error::new(kind, "message; do this"));
            assert_eq!(failure.to_string(), "message; do this", "{kind:?}");
        }
    }

    #[test]
    fn provider_authentication_error_gets_hint() {
        let error = cloudbridge::Error::new(ErrorKind::Authentication, "EC2 failed: AuthFailure")
            .with_code("AuthFailure");
        let failure = Failure::from(error);
        assert!(
            failure
                .to_string()
                .contains("check the provider's credentials"),
            "{failure}"
        );
    }

    #[test]
    fn report_is_one_line() {
        let failure = Failure::new(15, "first\nsecond", Some("do this".to_string()));
        assert_eq!(failure.to_string(), "first second; do this");
    }
}
