//! How a container image runs: the runtime part of its configuration, as the configuration
//! scanner checks it.

use std::collections::BTreeMap;

/// The runtime profile of a container image (the `config` object of an OCI or Docker image
/// configuration), independent of the archive it was read from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContainerRuntime {
    /// `User` as written (`app`, `1000:1000`, `root`); `None` or empty means root.
    pub user: Option<String>,
    /// Exposed ports as written (`22/tcp`, `8080/tcp`), sorted.
    pub exposed_ports: Vec<String>,
    /// Environment variables in order (`KEY=value` split at the first `=`).
    pub env: Vec<(String, String)>,
    pub entrypoint: Vec<String>,
    pub cmd: Vec<String>,
    pub working_dir: Option<String>,
    /// The health check's test; `None` when the image has none, `["NONE"]` when it turns an
    /// inherited one off.
    pub healthcheck: Option<Vec<String>>,
    pub labels: BTreeMap<String, String>,
}
