//! Configuration: which provider to use and its settings, from the environment and a TOML file.
//!
//! Settings are looked up in this order, the first found winning: code (the CLI's flags),
//! environment variables, the selected profile of the config file, built-in defaults. The
//! config file is `$CB_CONFIG`, else `cloudbridge/config.toml` in the user's config directory
//! (`~/.config` on Linux). Each top-level table is a profile; `default` is used unless
//! `CB_PROFILE` or code names another:
//!
//! ```toml
//! [default]
//! provider = "local"
//! zone = "local-b"
//!
//! [default.local]
//! data_dir = "/var/tmp/cloudbridge"
//! transition_delay_ms = 500
//!
//! [work]
//! provider = "aws"
//! region = "us-east-1"
//! zone = "us-east-1a"
//!
//! [work.aws]
//! image_id = "ami-0123456789abcdef0"
//! instance_type = "t3.micro"
//! ```
//!
//! Credentials never go in this file: each cloud's own mechanism supplies them (for AWS the
//! standard credential chain: environment, shared credentials and config files, SSO, roles).

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use serde::Deserialize;

use crate::error::{Error, ErrorKind, Result};
use crate::provider::Provider;

/// The clouds cloudbridge can talk to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// The embedded local cloud.
    #[default]
    Local,
    /// Amazon EC2 / EBS.
    Aws,
    /// OpenStack Cinder and Nova.
    Openstack,
    /// Google Compute Engine.
    Gcp,
    /// Microsoft Azure managed disks.
    Azure,
}

impl ProviderKind {
    /// Every provider kind.
    pub const ALL: &'static [ProviderKind] = &[
        ProviderKind::Local,
        ProviderKind::Aws,
        ProviderKind::Openstack,
        ProviderKind::Gcp,
        ProviderKind::Azure,
    ];

    /// Returns the lowercase name used in configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Local => "local",
            ProviderKind::Aws => "aws",
            ProviderKind::Openstack => "openstack",
            ProviderKind::Gcp => "gcp",
            ProviderKind::Azure => "azure",
        }
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ProviderKind {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        ProviderKind::ALL
            .iter()
            .copied()
            .find(|kind| kind.as_str() == text)
            .ok_or_else(|| {
                Error::invalid_parameter(
                    "provider",
                    text,
                    "expected local, aws, openstack, gcp or azure",
                )
            })
    }
}

/// Settings of the local provider.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalSettings {
    /// Data directory (`CB_DATA_DIR`); defaults to `cloudbridge` in the user's data directory.
    pub data_dir: Option<PathBuf>,
    /// Delay of each state transition in milliseconds (`CB_LOCAL_TRANSITION_DELAY_MS`).
    pub transition_delay_ms: Option<u64>,
    /// How long a new resource stays invisible, in milliseconds (`CB_LOCAL_VISIBILITY_LAG_MS`).
    pub visibility_lag_ms: Option<u64>,
    /// Share of calls that change something rejected as throttled, 0.0 to 1.0
    /// (`CB_LOCAL_THROTTLE_RATE`).
    pub throttle_rate: Option<f64>,
    /// Pause per MiB copied into a snapshot or restored volume, in milliseconds
    /// (`CB_LOCAL_COPY_PAUSE_MS`).
    pub copy_pause_per_mib_ms: Option<u64>,
    /// Injected faults such as `create_volume=error-state` (`CB_LOCAL_FAULTS`, comma-separated).
    #[serde(default)]
    pub faults: Vec<String>,
}

/// Settings of the AWS provider. Region, endpoint and credentials come from the AWS SDK's own
/// configuration (`AWS_REGION`, `AWS_PROFILE`, `AWS_ENDPOINT_URL`, ...) unless set here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsSettings {
    /// Named profile of the AWS shared config files.
    pub profile: Option<String>,
    /// Endpoint URL override, such as a local test server.
    pub endpoint_url: Option<String>,
    /// Image for new instances (`CB_AWS_IMAGE_ID`).
    pub image_id: Option<String>,
    /// Type of new instances (`CB_AWS_INSTANCE_TYPE`), default `t3.micro`.
    pub instance_type: Option<String>,
    /// Type of new volumes (`CB_AWS_VOLUME_TYPE`), default `gp3`.
    pub volume_type: Option<String>,
}

/// One profile of settings.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Provider to connect to (`CB_PROVIDER`).
    #[serde(default)]
    pub provider: ProviderKind,
    /// Region (`CB_REGION`); each provider has its own default.
    pub region: Option<String>,
    /// Default zone (`CB_ZONE`); each provider has its own default.
    pub zone: Option<String>,
    /// Local provider settings.
    #[serde(default)]
    pub local: LocalSettings,
    /// AWS provider settings.
    #[serde(default)]
    pub aws: AwsSettings,
}

/// The default profile name.
pub const DEFAULT_PROFILE: &str = "default";

impl Config {
    /// Loads the named profile (else `CB_PROFILE`, else `default`) from the config file, then
    /// applies the environment variables on top.
    ///
    /// A missing file or a missing `default` profile is not an error; a missing profile that
    /// was named explicitly is.
    pub fn load(profile: Option<&str>) -> Result<Config> {
        let env_profile = std::env::var("CB_PROFILE").ok();
        let named = profile.map(str::to_string).or(env_profile);
        let mut config = match config_path() {
            Some(path) if path.exists() => {
                let text = std::fs::read_to_string(&path).map_err(|error| {
                    Error::new(
                        ErrorKind::Configuration,
                        format!("cannot read config file {}: {error}", path.display()),
                    )
                })?;
                Config::from_toml(&text, named.as_deref(), &path.display().to_string())?
            }
            _ => match &named {
                Some(name) if name != DEFAULT_PROFILE => {
                    return Err(Error::new(
                        ErrorKind::Configuration,
                        format!("profile {name:?} not found: there is no config file"),
                    ));
                }
                _ => Config::default(),
            },
        };
        config.apply_env()?;
        Ok(config)
    }

    /// Parses one profile out of a config file's text; `origin` names the file in errors.
    pub fn from_toml(text: &str, profile: Option<&str>, origin: &str) -> Result<Config> {
        let mut profiles: BTreeMap<String, Config> = toml::from_str(text).map_err(|error| {
            let line = error
                .span()
                .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
            let place = line.map_or(String::new(), |line| format!(", line {line}"));
            Error::new(
                ErrorKind::Configuration,
                format!("invalid config file {origin}{place}: {}", error.message()),
            )
        })?;
        let name = profile.unwrap_or(DEFAULT_PROFILE);
        match profiles.remove(name) {
            Some(config) => Ok(config),
            None if profile.is_none() || name == DEFAULT_PROFILE => Ok(Config::default()),
            None => {
                let known: Vec<&str> = profiles.keys().map(String::as_str).collect();
                Err(Error::new(
                    ErrorKind::Configuration,
                    format!(
                        "profile {name:?} not found in {origin}; its profiles are: {}",
                        known.join(", ")
                    ),
                ))
            }
        }
    }

    fn apply_env(&mut self) -> Result<()> {
        if let Some(provider) = env("CB_PROVIDER") {
            self.provider = provider.parse().map_err(|_| {
                Error::new(
                    ErrorKind::Configuration,
                    format!(
                        "invalid environment variable CB_PROVIDER={provider:?}: expected local, \
                         aws, openstack, gcp or azure"
                    ),
                )
            })?;
        }

        set_from_env(&mut self.region, "CB_REGION");
        set_from_env(&mut self.zone, "CB_ZONE");

        if let Some(dir) = env("CB_DATA_DIR") {
            self.local.data_dir = Some(PathBuf::from(dir));
        }
        if let Some(ms) = env("CB_LOCAL_TRANSITION_DELAY_MS") {
            self.local.transition_delay_ms = Some(parse_env("CB_LOCAL_TRANSITION_DELAY_MS", &ms)?);
        }
        if let Some(ms) = env("CB_LOCAL_VISIBILITY_LAG_MS") {
            self.local.visibility_lag_ms = Some(parse_env("CB_LOCAL_VISIBILITY_LAG_MS", &ms)?);
        }
        if let Some(rate) = env("CB_LOCAL_THROTTLE_RATE") {
            self.local.throttle_rate = Some(parse_env("CB_LOCAL_THROTTLE_RATE", &rate)?);
        }
        if let Some(ms) = env("CB_LOCAL_COPY_PAUSE_MS") {
            self.local.copy_pause_per_mib_ms = Some(parse_env("CB_LOCAL_COPY_PAUSE_MS", &ms)?);
        }
        if let Some(faults) = env("CB_LOCAL_FAULTS") {
            self.local.faults = faults.split(',').map(|f| f.trim().to_string()).collect();
        }

        set_from_env(&mut self.aws.image_id, "CB_AWS_IMAGE_ID");
        set_from_env(&mut self.aws.instance_type, "CB_AWS_INSTANCE_TYPE");
        set_from_env(&mut self.aws.volume_type, "CB_AWS_VOLUME_TYPE");

        Ok(())
    }

    /// Connects to the configured provider.
    pub async fn connect(&self) -> Result<Provider> {
        match self.provider {
            #[cfg(feature = "local")]
            ProviderKind::Local => {
                let options = crate::local::LocalOptions::from_config(self)?;
                Ok(Provider::from_backend(crate::local::LocalBackend::open(
                    options,
                )?))
            }
            #[cfg(feature = "aws")]
            ProviderKind::Aws => crate::aws::connect(self).await,
            ProviderKind::Openstack | ProviderKind::Gcp | ProviderKind::Azure => Err(Error::new(
                ErrorKind::Configuration,
                format!(
                    "provider {} is not implemented yet; the available providers are local and \
                     aws",
                    self.provider
                ),
            )),
            #[allow(unreachable_patterns)]
            kind => Err(Error::new(
                ErrorKind::Configuration,
                format!(
                    "provider {kind} is not built into this binary; rebuild with the cargo \
                     feature {kind} (for example `cargo build -p cloudbridge-cli --features {kind}`)",
                    kind = kind.as_str()
                ),
            )),
        }
    }
}

/// Returns the config file path: `$CB_CONFIG`, else `cloudbridge/config.toml` in the user's
/// config directory.
pub fn config_path() -> Option<PathBuf> {
    env("CB_CONFIG")
        .map(PathBuf::from)
        .or_else(|| dirs::config_dir().map(|dir| dir.join("cloudbridge").join("config.toml")))
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

fn set_from_env(field: &mut Option<String>, name: &str) {
    if let Some(value) = env(name) {
        *field = Some(value);
    }
}

fn parse_env<T: FromStr>(name: &str, value: &str) -> Result<T> {
    value.parse().map_err(|_| {
        Error::new(
            ErrorKind::Configuration,
            format!("invalid environment variable {name}={value:?}: expected a number"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
[default]
provider = "local"
zone = "local-b"

[default.local]
transition_delay_ms = 20

[work]
provider = "aws"
region = "us-east-1"
"#;

    #[test]
    fn default_profile_is_read_when_none_named() {
        let config = Config::from_toml(FILE, None, "test").unwrap();
        assert_eq!(config.provider, ProviderKind::Local);
        assert_eq!(config.zone.as_deref(), Some("local-b"));
        assert_eq!(config.local.transition_delay_ms, Some(20));
    }

    #[test]
    fn named_profile_is_read() {
        let config = Config::from_toml(FILE, Some("work"), "test").unwrap();
        assert_eq!(config.provider, ProviderKind::Aws);
        assert_eq!(config.region.as_deref(), Some("us-east-1"));
    }

    #[test]
    fn missing_named_profile_lists_known_ones() {
        let error = Config::from_toml(FILE, Some("home"), "test").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Configuration);
        assert!(error.message().contains("default, work"), "{error}");
    }

    #[test]
    fn unknown_key_is_rejected() {
        let error = Config::from_toml("[default]\nprovder = \"aws\"\n", None, "test").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Configuration);
        assert!(error.message().contains("provder"), "{error}");
    }

    #[test]
    fn type_error_names_the_line() {
        let text = "[default]\nprovider = \"local\"\n\n[default.local]\ntransition_delay_ms = -5\n";
        let error = Config::from_toml(text, None, "test").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Configuration);
        assert!(error.message().contains("line 5"), "{error}");
    }

    #[test]
    fn unknown_provider_name_is_rejected() {
        let error = "amazon".parse::<ProviderKind>().unwrap_err();
        assert!(error.message().contains("local, aws"), "{error}");
    }
}
