//! docker-compose files (v2, v3 and the Compose Specification): the `services` map, after
//! `extends` (in the same file or another scanned one) is merged in and `${VAR:-default}`
//! interpolation is applied with the variables of the project's `.env` (the file beside the
//! compose file, as compose reads it). A service's `env_file:` files, when scanned, add to its
//! environment under what `environment:` sets. Anchors and `<<` merge keys are resolved by the
//! YAML reader.

use std::collections::{BTreeMap, HashMap};

use super::node::{Node, Value};
use super::suppress::Directive;
use super::{secret_name, vars, Emitter};
use crate::mask::mask_secret;
use crate::scanner::Sink;

/// How many `extends` hops are followed (a loop would otherwise never end).
const MAX_EXTENDS: usize = 8;

/// One compose file, held until every file is read so `extends: {file: ...}` can be followed.
#[derive(Debug)]
pub struct ComposeFile {
    pub docs: Vec<Node>,
    pub directives: Vec<Directive>,
}

/// True when a YAML document is a compose file.
pub fn is_compose(doc: &Node) -> bool {
    matches!(doc.get("services").map(|s| &s.value), Some(Value::Map(_)))
        && doc.get("apiVersion").is_none()
}

/// Ports meant for operators or other containers, with what usually listens there.
pub const MANAGEMENT_PORTS: &[(u32, &str)] = &[
    (22, "SSH"),
    (23, "telnet"),
    (2375, "Docker API (plain)"),
    (2376, "Docker API (TLS)"),
    (2379, "etcd"),
    (3306, "MySQL/MariaDB"),
    (5432, "PostgreSQL"),
    (1433, "SQL Server"),
    (1521, "Oracle"),
    (6379, "Redis"),
    (11211, "memcached"),
    (27017, "MongoDB"),
    (9200, "Elasticsearch/OpenSearch"),
    (9300, "Elasticsearch transport"),
    (5601, "Kibana"),
    (15672, "RabbitMQ management"),
    (5672, "RabbitMQ AMQP"),
    (9001, "MinIO console"),
    (9042, "Cassandra"),
    (5984, "CouchDB"),
    (8086, "InfluxDB"),
    (7474, "Neo4j browser"),
    (8161, "ActiveMQ console"),
    (8500, "Consul"),
    (8200, "Vault"),
    (5050, "pgAdmin"),
    (10250, "kubelet"),
    (9090, "Prometheus"),
    (8123, "ClickHouse HTTP"),
];

/// A well-known image, the variables holding its credentials and its documented default or
/// example values.
struct Product {
    name: &'static str,
    images: &'static [&'static str],
    vars: &'static [&'static str],
    weak: &'static [&'static str],
    /// What the image does when no credential variable is set, if that is insecure.
    unset: Option<&'static str>,
    /// Settings that turn authentication off: (variable, value).
    no_auth: &'static [(&'static str, &'static str)],
}

const fn p(
    name: &'static str,
    images: &'static [&'static str],
    vars: &'static [&'static str],
    weak: &'static [&'static str],
    unset: Option<&'static str>,
    no_auth: &'static [(&'static str, &'static str)],
) -> Product {
    Product {
        name,
        images,
        vars,
        weak,
        unset,
        no_auth,
    }
}

/// Defaults and example values from each image's own documentation.
static PRODUCTS: &[Product] = &[
    p(
        "PostgreSQL",
        &["postgres", "postgresql", "postgis", "timescaledb"],
        &[
            "POSTGRES_PASSWORD",
            "POSTGRESQL_PASSWORD",
            "POSTGRESQL_POSTGRES_PASSWORD",
        ],
        &["postgres", "example", "mysecretpassword"],
        None,
        &[
            ("POSTGRES_HOST_AUTH_METHOD", "trust"),
            ("ALLOW_EMPTY_PASSWORD", "yes"),
        ],
    ),
    p(
        "MySQL",
        &["mysql", "percona"],
        &["MYSQL_ROOT_PASSWORD", "MYSQL_PASSWORD"],
        &["mysql", "root", "example", "my-secret-pw"],
        None,
        &[
            ("MYSQL_ALLOW_EMPTY_PASSWORD", "yes"),
            ("MYSQL_ALLOW_EMPTY_PASSWORD", "true"),
            ("MYSQL_ALLOW_EMPTY_PASSWORD", "1"),
        ],
    ),
    p(
        "MariaDB",
        &["mariadb"],
        &[
            "MARIADB_ROOT_PASSWORD",
            "MYSQL_ROOT_PASSWORD",
            "MARIADB_PASSWORD",
            "MYSQL_PASSWORD",
        ],
        &["mariadb", "root", "example", "my-secret-pw"],
        None,
        &[
            ("MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", "yes"),
            ("MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", "1"),
            ("MYSQL_ALLOW_EMPTY_PASSWORD", "yes"),
        ],
    ),
    p(
        "MongoDB",
        &["mongo", "mongodb"],
        &["MONGO_INITDB_ROOT_PASSWORD", "MONGODB_ROOT_PASSWORD"],
        &["mongo", "example", "mongoadmin", "secret"],
        Some("no root user is created and the database accepts unauthenticated clients"),
        &[],
    ),
    p(
        "Mongo Express",
        &["mongo-express"],
        &[
            "ME_CONFIG_BASICAUTH_PASSWORD",
            "ME_CONFIG_MONGODB_ADMINPASSWORD",
        ],
        &["pass", "example"],
        Some("the web console is served without a login"),
        &[],
    ),
    p(
        "Redis",
        &["redis", "redis-stack", "valkey"],
        &["REDIS_PASSWORD"],
        &["redis"],
        Some("the server accepts every client without a password (set --requirepass)"),
        &[("ALLOW_EMPTY_PASSWORD", "yes")],
    ),
    p(
        "RabbitMQ",
        &["rabbitmq"],
        &["RABBITMQ_DEFAULT_PASS"],
        &["guest"],
        Some("the broker keeps the user guest/guest"),
        &[],
    ),
    p(
        "MinIO",
        &["minio"],
        &["MINIO_ROOT_PASSWORD", "MINIO_SECRET_KEY"],
        &["minioadmin", "minio123", "minio"],
        Some("the root credentials are minioadmin/minioadmin"),
        &[],
    ),
    p(
        "Grafana",
        &["grafana", "grafana-enterprise", "grafana-oss"],
        &["GF_SECURITY_ADMIN_PASSWORD"],
        &["admin", "grafana"],
        Some("the admin login is admin/admin"),
        &[
            ("GF_AUTH_ANONYMOUS_ENABLED", "true"),
            ("GF_AUTH_DISABLE_LOGIN_FORM", "true"),
        ],
    ),
    p(
        "Elasticsearch",
        &["elasticsearch"],
        &["ELASTIC_PASSWORD"],
        &["changeme", "elastic"],
        None,
        &[("xpack.security.enabled", "false")],
    ),
    p(
        "Kibana",
        &["kibana"],
        &["ELASTICSEARCH_PASSWORD"],
        &["changeme", "kibana"],
        None,
        &[],
    ),
    p(
        "OpenSearch",
        &["opensearch"],
        &["OPENSEARCH_INITIAL_ADMIN_PASSWORD"],
        &["admin"],
        None,
        &[
            ("DISABLE_SECURITY_PLUGIN", "true"),
            ("plugins.security.disabled", "true"),
        ],
    ),
    p(
        "Keycloak",
        &["keycloak"],
        &[
            "KEYCLOAK_ADMIN_PASSWORD",
            "KC_BOOTSTRAP_ADMIN_PASSWORD",
            "KEYCLOAK_PASSWORD",
            "KC_DB_PASSWORD",
        ],
        &["admin", "keycloak", "password"],
        None,
        &[],
    ),
    p(
        "Jenkins",
        &["jenkins"],
        &["JENKINS_PASSWORD", "JENKINS_ADMIN_PASSWORD"],
        &["bitnami", "admin", "jenkins"],
        None,
        &[("JAVA_OPTS", "-Djenkins.install.runSetupWizard=false")],
    ),
    p(
        "Gitea",
        &["gitea"],
        &[
            "GITEA__database__PASSWD",
            "GITEA__DATABASE__PASSWD",
            "DB_PASSWD",
        ],
        &["gitea"],
        None,
        &[],
    ),
    p(
        "GitLab",
        &["gitlab-ce", "gitlab-ee"],
        &["GITLAB_ROOT_PASSWORD"],
        &["password", "5iveL!fe"],
        None,
        &[],
    ),
    p(
        "Nexus",
        &["nexus3", "nexus"],
        &["NEXUS_ADMIN_PASSWORD"],
        &["admin123"],
        None,
        &[("NEXUS_SECURITY_RANDOMPASSWORD", "false")],
    ),
    p(
        "SonarQube",
        &["sonarqube"],
        &["SONAR_JDBC_PASSWORD", "SONARQUBE_JDBC_PASSWORD"],
        &["sonar", "admin"],
        Some("the web login is admin/admin until changed"),
        &[],
    ),
    p(
        "Tomcat",
        &["tomcat"],
        &["TOMCAT_PASSWORD"],
        &["tomcat", "s3cret", "admin", "bitnami"],
        None,
        &[],
    ),
    p(
        "WordPress",
        &["wordpress"],
        &["WORDPRESS_DB_PASSWORD"],
        &["wordpress", "examplepass"],
        None,
        &[],
    ),
    p(
        "pgAdmin",
        &["pgadmin4", "pgadmin"],
        &["PGADMIN_DEFAULT_PASSWORD"],
        &["admin", "root", "supersecret", "pgadmin"],
        None,
        &[],
    ),
    p(
        "Airflow",
        &["airflow"],
        &["_AIRFLOW_WWW_USER_PASSWORD", "AIRFLOW_PASSWORD"],
        &["airflow", "admin"],
        None,
        &[],
    ),
    p(
        "SQL Server",
        &["mssql-server", "mssql", "azure-sql-edge"],
        &["MSSQL_SA_PASSWORD", "SA_PASSWORD"],
        &[
            "yourstrong(!)password",
            "yourstrong!passw0rd",
            "yourstrongpassword123",
            "password123",
        ],
        None,
        &[],
    ),
    p(
        "CouchDB",
        &["couchdb"],
        &["COUCHDB_PASSWORD"],
        &["admin", "password", "couchdb"],
        None,
        &[],
    ),
    p(
        "Neo4j",
        &["neo4j"],
        &["NEO4J_AUTH"],
        &["neo4j/neo4j", "neo4j/password", "neo4j/test"],
        Some("the login is neo4j/neo4j"),
        &[("NEO4J_AUTH", "none")],
    ),
    p(
        "InfluxDB",
        &["influxdb"],
        &["DOCKER_INFLUXDB_INIT_PASSWORD", "INFLUXDB_ADMIN_PASSWORD"],
        &["admin", "password", "influxdb"],
        None,
        &[("INFLUXDB_HTTP_AUTH_ENABLED", "false")],
    ),
    p(
        "phpMyAdmin",
        &["phpmyadmin"],
        &["PMA_PASSWORD", "MYSQL_ROOT_PASSWORD"],
        &["root", "password", "example"],
        None,
        &[],
    ),
    p(
        "Nextcloud",
        &["nextcloud"],
        &[
            "NEXTCLOUD_ADMIN_PASSWORD",
            "MYSQL_PASSWORD",
            "POSTGRES_PASSWORD",
        ],
        &["admin", "nextcloud"],
        None,
        &[],
    ),
    p(
        "Superset",
        &["superset"],
        &["ADMIN_PASSWORD", "SUPERSET_SECRET_KEY"],
        &["admin", "superset", "thisismysecretkey"],
        None,
        &[],
    ),
    p(
        "Vault",
        &["vault"],
        &["VAULT_DEV_ROOT_TOKEN_ID"],
        &["root", "myroot", "dev-only-token"],
        None,
        &[],
    ),
    p(
        "Cassandra",
        &["cassandra"],
        &["CASSANDRA_PASSWORD"],
        &["cassandra"],
        None,
        &[],
    ),
    p(
        "ClickHouse",
        &["clickhouse-server", "clickhouse"],
        &["CLICKHOUSE_PASSWORD"],
        &["clickhouse", "default"],
        Some("the `default` user has no password"),
        &[],
    ),
    p(
        "ActiveMQ",
        &["activemq", "activemq-artemis", "activemq-classic"],
        &[
            "ACTIVEMQ_ADMIN_PASSWORD",
            "ARTEMIS_PASSWORD",
            "ACTIVEMQ_CONNECTION_PASSWORD",
        ],
        &["admin", "artemis"],
        Some("the console login is admin/admin"),
        &[],
    ),
    p(
        "n8n",
        &["n8n"],
        &["N8N_BASIC_AUTH_PASSWORD"],
        &["password", "n8n"],
        None,
        &[],
    ),
    p(
        "Jupyter",
        &[
            "base-notebook",
            "minimal-notebook",
            "scipy-notebook",
            "datascience-notebook",
            "jupyter",
        ],
        &["JUPYTER_TOKEN"],
        &["", "jupyter"],
        None,
        &[],
    ),
    p(
        "Portainer",
        &["portainer", "portainer-ce"],
        &["ADMIN_PASSWORD"],
        &["admin", "portainer"],
        None,
        &[],
    ),
    p(
        "Harbor",
        &["harbor-core"],
        &["HARBOR_ADMIN_PASSWORD"],
        &["harbor12345"],
        None,
        &[],
    ),
    p(
        "Drone/Woodpecker",
        &["drone", "woodpecker-server"],
        &["DRONE_RPC_SECRET", "WOODPECKER_AGENT_SECRET"],
        &["secret", "super-duper-secret"],
        None,
        &[],
    ),
];

/// Passwords weak for any product.
const COMMON_WEAK: &[&str] = &[
    "password", "passw0rd", "admin", "root", "changeme", "changeit", "secret", "123456",
    "12345678", "test", "example", "guest", "default", "pass", "letmein", "qwerty", "toor",
];

fn image_name(image: &str) -> String {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    last.split(':').next().unwrap_or(last).to_ascii_lowercase()
}

/// One `KEY=value` line of a `.env` or `env_file` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvLine {
    pub key: String,
    pub value: String,
    pub line: u32,
}

/// Reads a dotenv file as compose does: `KEY=value` lines, an optional `export ` prefix, `#`
/// comments (after an unquoted value only when a blank precedes them), single quotes literal,
/// double quotes with `\n`, `\"` and `\\` escapes; values may use the variables set above them.
pub fn parse_env_file(text: &str) -> Vec<EnvLine> {
    let mut known: HashMap<String, String> = HashMap::new();
    let mut out: Vec<EnvLine> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let line = line.strip_prefix("export ").map_or(line, str::trim_start);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, rest)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        if key.is_empty()
            || !key
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"_.-".contains(&c))
        {
            continue;
        }
        let rest = rest.trim_start();
        let value = if let Some(body) = rest.strip_prefix('\'') {
            body.split_once('\'').map_or(body, |(v, _)| v).to_string()
        } else if let Some(body) = rest.strip_prefix('"') {
            let mut v = String::new();
            let mut chars = body.chars();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => match chars.next() {
                        Some('n') => v.push('\n'),
                        Some(other) => v.push(other),
                        None => break,
                    },
                    c => v.push(c),
                }
            }
            vars::expand(&v, &known, true)
        } else {
            let bare = match rest.find(" #").or_else(|| rest.find("\t#")) {
                Some(at) => &rest[..at],
                None => rest,
            };
            vars::expand(bare.trim_end(), &known, true)
        };
        known.insert(key.to_string(), value.clone());
        out.push(EnvLine {
            key: key.to_string(),
            value,
            line: u32::try_from(i + 1).unwrap_or(u32::MAX),
        });
    }
    out
}

/// What a compose file's services can draw on besides their own text: the project's `.env`
/// variables and the scanned env files, by path.
struct Project<'a> {
    dir: &'a str,
    vars: HashMap<String, String>,
    env_files: &'a BTreeMap<String, Vec<EnvLine>>,
}

impl Project<'_> {
    fn path(&self, rel: &str) -> String {
        normalize(&format!("{}/{rel}", self.dir))
    }

    fn interpolate(&self, s: &str) -> String {
        vars::expand(s, &self.vars, true)
    }
}

/// One environment entry: name, value after interpolation, line, whether the value is the
/// default of an unset variable (`${POSTGRES_PASSWORD:-postgres}`), and the env file line it
/// comes from, if any.
struct EnvVar {
    key: String,
    value: String,
    line: u32,
    from_default: bool,
    origin: Option<String>,
}

/// The paths an `env_file:` names (a string, a list of strings, or a list of `{path: ...}`), with
/// their lines.
fn env_file_paths(n: &Node) -> Vec<(String, u32)> {
    match &n.value {
        Value::Seq(items) => items
            .iter()
            .filter_map(|i| {
                let p = i.as_string().or_else(|| i.str_of("path"))?;
                Some((p, i.line))
            })
            .collect(),
        _ => n.as_string().map(|p| vec![(p, n.line)]).unwrap_or_default(),
    }
}

/// The service's environment as the container gets it: `env_file:` entries first, then
/// `environment:`, a later entry replacing an earlier one of the same name. A name with no value
/// (`- PASSWORD`, `PASSWORD:`) passes the variable through from the project; unknown there, it
/// stays a reference (`${PASSWORD}`), set but with a value that is not in the repository.
fn environment(svc: &Node, project: &Project<'_>) -> Vec<EnvVar> {
    let mut out: Vec<EnvVar> = Vec::new();
    for (rel, line) in svc.get("env_file").map(env_file_paths).unwrap_or_default() {
        let path = project.path(&rel);
        for e in project.env_files.get(&path).into_iter().flatten() {
            out.push(EnvVar {
                key: e.key.clone(),
                value: e.value.clone(),
                line,
                from_default: false,
                origin: Some(format!("{path}:{}", e.line)),
            });
        }
    }
    let entry = |key: &str, raw: Option<String>, line: u32| {
        let Some(raw) = raw else {
            let (value, origin) = match project.vars.get(key) {
                Some(v) => (v.clone(), Some(project.path(".env"))),
                None => (format!("${{{key}}}"), None),
            };
            return EnvVar {
                key: key.to_string(),
                value,
                line,
                from_default: false,
                origin,
            };
        };
        let value = project.interpolate(&raw);
        let unset = vars::expand(&raw, &HashMap::new(), true);
        EnvVar {
            key: key.to_string(),
            from_default: raw.contains("${")
                && !value.contains("${")
                && value != raw
                && value == unset,
            value,
            line,
            origin: None,
        }
    };
    let own: Vec<EnvVar> = match svc.get("environment").map(|e| &e.value) {
        Some(Value::Map(m)) => m
            .iter()
            .map(|(k, v)| entry(k, v.as_string(), v.line))
            .collect(),
        Some(Value::Seq(items)) => items
            .iter()
            .filter_map(|i| {
                let s = i.as_string()?;
                Some(match s.split_once('=') {
                    Some((k, v)) => entry(k, Some(v.to_string()), i.line),
                    None => entry(&s, None, i.line),
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    for e in own {
        out.retain(|o| o.key != e.key);
        out.push(e);
    }
    out
}

/// Interpolates every string of a service but its environment, which [`environment`] reads raw.
fn interpolated(n: &Node, depth: usize, project: &Project<'_>) -> Node {
    let value = match &n.value {
        Value::Str(s) => Value::Str(project.interpolate(s)),
        Value::Seq(items) => Value::Seq(
            items
                .iter()
                .map(|i| interpolated(i, depth + 1, project))
                .collect(),
        ),
        Value::Map(m) => Value::Map(
            m.iter()
                .map(|(k, v)| {
                    let keep = depth == 0 && k == "environment";
                    (
                        k.clone(),
                        if keep {
                            v.clone()
                        } else {
                            interpolated(v, depth + 1, project)
                        },
                    )
                })
                .collect(),
        ),
        other => other.clone(),
    };
    Node::new(n.line, value)
}

/// `base` with `over` laid on top, as compose merges `extends`: mappings key by key, sequences
/// appended, scalars replaced.
fn merge(base: &Node, over: &Node) -> Node {
    match (&base.value, &over.value) {
        (Value::Map(b), Value::Map(o)) => {
            let mut entries = b.clone();
            for (k, v) in o {
                match entries.iter_mut().find(|(bk, _)| bk == k) {
                    Some((_, bv)) => *bv = merge(bv, v),
                    None => entries.push((k.clone(), v.clone())),
                }
            }
            Node::new(over.line, Value::Map(entries))
        }
        (Value::Seq(b), Value::Seq(o)) => {
            Node::new(over.line, Value::Seq(b.iter().chain(o).cloned().collect()))
        }
        _ => over.clone(),
    }
}

/// Moves a node from another file onto `line` of this one, where its `extends:` is.
fn restamp(n: &Node, line: u32) -> Node {
    let value = match &n.value {
        Value::Seq(items) => Value::Seq(items.iter().map(|i| restamp(i, line)).collect()),
        Value::Map(m) => Value::Map(
            m.iter()
                .map(|(k, v)| (k.clone(), restamp(v, line)))
                .collect(),
        ),
        other => other.clone(),
    };
    Node::new(line, value)
}

/// `dir/../common/base.yml` → `common/base.yml`.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(p),
        }
    }
    parts.join("/")
}

/// The service with what it `extends` merged in.
fn extended(path: &str, svc: &Node, files: &BTreeMap<String, ComposeFile>, depth: usize) -> Node {
    let Some(ext) = svc.get("extends") else {
        return svc.clone();
    };
    let (base_name, base_file) = match &ext.value {
        Value::Map(_) => (ext.str_of("service"), ext.str_of("file")),
        _ => (ext.as_string(), None),
    };
    let base_path = match base_file {
        Some(f) => {
            let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
            normalize(&format!("{dir}/{f}"))
        }
        None => path.to_string(),
    };
    let base = base_name.and_then(|name| {
        files
            .get(&base_path)?
            .docs
            .iter()
            .find_map(|d| d.get("services")?.get(&name))
    });
    let Some(base) = base.filter(|_| depth < MAX_EXTENDS) else {
        return svc.clone();
    };
    let mut base = extended(&base_path, base, files, depth + 1);
    if base_path != path {
        base = restamp(&base, ext.line);
    }
    let own = Node::new(
        svc.line,
        Value::Map(
            svc.entries()
                .iter()
                .filter(|(k, _)| k != "extends")
                .cloned()
                .collect(),
        ),
    );
    merge(&base, &own)
}

/// Checks every compose file once all are read; `env_files` are the scanned `.env`-style files
/// by path.
pub fn check_all(
    files: &BTreeMap<String, ComposeFile>,
    env_files: &BTreeMap<String, Vec<EnvLine>>,
    sink: &Sink,
) {
    for (path, file) in files {
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        let vars = env_files
            .get(&normalize(&format!("{dir}/.env")))
            .into_iter()
            .flatten()
            .map(|e| (e.key.clone(), e.value.clone()))
            .collect();
        let project = Project {
            dir,
            vars,
            env_files,
        };
        let mut out = Emitter::new(path, &file.directives);
        for doc in &file.docs {
            for (name, svc) in doc.get("services").map(Node::entries).unwrap_or(&[]) {
                let svc = interpolated(&extended(path, svc, files, 0), 0, &project);
                service(name, &svc, &project, &mut out);
            }
        }
        out.flush(sink);
    }
}

fn service(name: &str, svc: &Node, project: &Project<'_>, out: &mut Emitter<'_>) {
    let anchor = svc.line.saturating_sub(1).max(1);
    let hit = |out: &mut Emitter<'_>, id: &str, line: u32, what: &str, detail: String| {
        out.hit(
            id,
            line,
            anchor,
            format!("{name}/{what}"),
            format!("service `{name}`: {detail}"),
        );
    };
    let line_of = |key: &str| svc.get(key).map_or(svc.line, |n| n.line);
    if svc.is_true("privileged") {
        hit(
            out,
            "compose-privileged",
            line_of("privileged"),
            "privileged",
            "privileged: true".into(),
        );
    }
    for v in svc.get("volumes").map(Node::items).unwrap_or(&[]) {
        let source = match &v.value {
            Value::Str(s) => s.split(':').next().unwrap_or("").to_string(),
            Value::Map(_) if v.str_of("type").as_deref() == Some("bind") => {
                v.str_of("source").unwrap_or_default()
            }
            _ => continue,
        };
        let src = source.trim_end_matches('/');
        if src.ends_with("docker.sock")
            || src.ends_with("containerd.sock")
            || src.ends_with("crio.sock")
        {
            hit(
                out,
                "compose-docker-socket",
                v.line,
                &source,
                format!("mounts {source}"),
            );
        } else if sensitive_path(src) {
            hit(
                out,
                "compose-sensitive-host-path",
                v.line,
                &source,
                format!(
                    "mounts host path {}",
                    if src.is_empty() { "/" } else { src }
                ),
            );
        }
    }
    for key in ["network_mode", "pid", "ipc", "userns_mode"] {
        if svc.str_of(key).as_deref() == Some("host") {
            hit(
                out,
                "compose-host-namespace",
                line_of(key),
                key,
                format!("{key}: host"),
            );
        }
    }
    let caps: Vec<String> = svc.get("cap_add").map(Node::strings).unwrap_or_default();
    let bad: Vec<&String> = caps
        .iter()
        .filter(|c| {
            let c = c.trim_start_matches("CAP_").to_ascii_uppercase();
            [
                "ALL",
                "SYS_ADMIN",
                "NET_ADMIN",
                "SYS_PTRACE",
                "SYS_MODULE",
                "DAC_READ_SEARCH",
                "SYS_RAWIO",
                "BPF",
            ]
            .contains(&c.as_str())
        })
        .collect();
    if !bad.is_empty() {
        let list: Vec<&str> = bad.iter().map(|s| s.as_str()).collect();
        hit(
            out,
            "compose-dangerous-capabilities",
            line_of("cap_add"),
            "cap_add",
            format!("cap_add {}", list.join(", ")),
        );
    }
    let drops = svc.get("cap_drop").map(Node::strings).unwrap_or_default();
    if !drops.iter().any(|d| d.eq_ignore_ascii_case("ALL")) {
        hit(
            out,
            "compose-no-cap-drop",
            svc.line,
            "cap_drop",
            "no `cap_drop: [ALL]`".into(),
        );
    }
    let opts = svc
        .get("security_opt")
        .map(Node::strings)
        .unwrap_or_default();
    let nnp = opts.iter().any(|o| {
        let o = o.replace('=', ":").to_ascii_lowercase();
        o == "no-new-privileges" || o == "no-new-privileges:true"
    });
    if !nnp {
        hit(
            out,
            "compose-no-new-privileges",
            svc.line,
            "no-new-privileges",
            "no `no-new-privileges:true`".into(),
        );
    }
    for o in &opts {
        let l = o.replace('=', ":").to_ascii_lowercase();
        if l == "seccomp:unconfined" || l == "apparmor:unconfined" {
            hit(
                out,
                "compose-unconfined-profile",
                line_of("security_opt"),
                &l,
                format!("security_opt {o}"),
            );
        }
    }
    for port in svc.get("ports").map(Node::items).unwrap_or(&[]) {
        let Some((host_ip, target)) = parse_port(port) else {
            continue;
        };
        let all = matches!(host_ip.as_str(), "" | "0.0.0.0" | "::" | "[::]");
        if !all {
            continue;
        }
        let shown = port
            .as_string()
            .unwrap_or_else(|| format!("target {target}"));
        hit(
            out,
            "compose-port-all-interfaces",
            port.line,
            &format!("port/{target}"),
            format!("port `{shown}` is bound to every interface"),
        );
        if let Some((_, what)) = target
            .parse::<u32>()
            .ok()
            .and_then(|t| MANAGEMENT_PORTS.iter().find(|(p, _)| *p == t))
        {
            hit(
                out,
                "compose-management-port",
                port.line,
                &format!("mgmt/{target}"),
                format!("publishes {what} port {target}"),
            );
        }
    }
    credentials(name, svc, project, anchor, out);
    let limits = svc.at(&["deploy", "resources", "limits"]);
    let missing: Vec<&str> = [
        ("memory", "mem_limit", "memory"),
        ("cpu", "cpus", "cpus"),
        ("pids", "pids_limit", "pids"),
    ]
    .into_iter()
    .filter(|(_, top, deploy)| {
        svc.get(top).is_none() && limits.and_then(|l| l.get(deploy)).is_none()
    })
    .map(|(what, _, _)| what)
    .collect();
    if !missing.is_empty() {
        hit(
            out,
            "compose-no-resource-limits",
            svc.line,
            "limits",
            format!("no {} limit", missing.join("/")),
        );
    }
    if !svc.is_true("read_only") {
        hit(
            out,
            "compose-not-read-only",
            svc.line,
            "read_only",
            "read_only is not true".into(),
        );
    }
    if svc.get("devices").is_some_and(|d| !d.items().is_empty()) {
        hit(
            out,
            "compose-devices",
            line_of("devices"),
            "devices",
            format!(
                "maps {}",
                svc.get("devices")
                    .map(Node::strings)
                    .unwrap_or_default()
                    .join(", ")
            ),
        );
    }
}

/// `HOST_IP:PUBLISHED:TARGET/proto` (each part optional) or the long form; (host ip, target).
fn parse_port(port: &Node) -> Option<(String, String)> {
    if let Value::Map(_) = port.value {
        let target = port.get("target")?.as_string()?;
        port.get("published")?;
        return Some((port.str_of("host_ip").unwrap_or_default(), target));
    }
    let s = port.as_string()?;
    let s = s.split('/').next().unwrap_or(&s);
    let (host_ip, rest) = if let Some(r) = s.strip_prefix('[') {
        let (ip, rest) = r.split_once(']')?;
        (ip.to_string(), rest.trim_start_matches(':').to_string())
    } else {
        let parts: Vec<&str> = s.split(':').collect();
        match parts.len() {
            3 => (parts[0].to_string(), format!("{}:{}", parts[1], parts[2])),
            _ => (String::new(), s.to_string()),
        }
    };
    let target = rest.rsplit(':').next().unwrap_or(&rest);
    let target = target.split('-').next().unwrap_or(target).to_string();
    Some((host_ip, target))
}

fn sensitive_path(src: &str) -> bool {
    const EXACT: &[&str] = &[
        "",
        "/",
        "/etc",
        "/proc",
        "/sys",
        "/boot",
        "/dev",
        "/root",
        "/var/run",
        "/run",
        "/var/lib/docker",
        "/var/lib/kubelet",
        "/lib/modules",
        "/usr",
        "/bin",
        "/sbin",
        "/lib",
        "/home",
        "/var/log",
    ];
    const UNDER: &[&str] = &[
        "/etc/",
        "/proc/",
        "/sys/",
        "/boot/",
        "/root/",
        "/var/lib/docker/",
        "/var/lib/kubelet/",
        "/dev/",
    ];
    if !src.is_empty() && !src.starts_with('/') {
        return false;
    }
    EXACT.contains(&src) || UNDER.iter().any(|u| src.starts_with(u))
}

fn credentials(name: &str, svc: &Node, project: &Project<'_>, anchor: u32, out: &mut Emitter<'_>) {
    let Some(image) = svc.str_of("image") else {
        return;
    };
    let img = image_name(&image);
    let Some(product) = PRODUCTS.iter().find(|p| p.images.contains(&img.as_str())) else {
        return;
    };
    let env = environment(svc, project);
    let hit = |out: &mut Emitter<'_>, line: u32, key: &str, detail: String| {
        out.hit(
            "compose-default-credentials",
            line,
            anchor,
            format!("{name}/{key}"),
            format!(
                "service `{name}` ({}, image {image}): {detail}",
                product.name
            ),
        );
    };
    let unset_default = |e: &EnvVar| match &e.origin {
        _ if e.from_default => " (the default used when the variable is unset)".to_string(),
        Some(origin) => format!(" (from {origin})"),
        None => String::new(),
    };
    for e in &env {
        let (k, v) = (&e.key, &e.value);
        if product
            .no_auth
            .iter()
            .any(|(nk, nv)| nk.eq_ignore_ascii_case(k) && v.eq_ignore_ascii_case(nv))
        {
            hit(
                out,
                e.line,
                k,
                format!("{k}={v}{} turns authentication off", unset_default(e)),
            );
        }
    }
    let mut set = false;
    for e in &env {
        let (k, v) = (&e.key, &e.value);
        if !product.vars.iter().any(|pv| pv.eq_ignore_ascii_case(k)) {
            continue;
        }
        set = true;
        if v.contains("${") || v.starts_with('$') {
            continue;
        }
        let lower = v.to_ascii_lowercase();
        let user_part = lower.rsplit('/').next().unwrap_or(&lower).to_string();
        let weak = product.weak.contains(&lower.as_str())
            || COMMON_WEAK.contains(&lower.as_str())
            || COMMON_WEAK.contains(&user_part.as_str())
            || v.chars().count() < 8;
        if weak {
            let why = if v.is_empty() {
                "is empty".to_string()
            } else {
                format!("is a default or weak value ({})", mask_secret(v))
            };
            hit(out, e.line, k, format!("{k} {why}{}", unset_default(e)));
        }
    }
    // A `*_FILE` variable or a Docker secret counts as setting the credential.
    let via_file = env
        .iter()
        .any(|e| e.key.ends_with("_FILE") && secret_name(e.key.trim_end_matches("_FILE")))
        || svc.get("secrets").is_some();
    let requirepass = svc
        .get("command")
        .map(|c| c.strings().join(" "))
        .is_some_and(|c| c.contains("requirepass") || c.contains("--auth"));
    if !set && !via_file && !requirepass {
        if let Some(unset) = product.unset {
            hit(
                out,
                svc.line,
                "unset",
                format!(
                    "no credential variable ({}) is set, so {unset}",
                    product.vars.join(", ")
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_large_enough_and_ports_parse() {
        assert!(PRODUCTS.len() >= 30);
        let n = |s: &str| Node::new(1, Value::Str(s.into()));
        assert_eq!(
            parse_port(&n("127.0.0.1:5432:5432")),
            Some(("127.0.0.1".into(), "5432".into()))
        );
        assert_eq!(
            parse_port(&n("8080:80/tcp")),
            Some((String::new(), "80".into()))
        );
        assert_eq!(
            parse_port(&n("[::1]:22:22")),
            Some(("::1".into(), "22".into()))
        );
        assert_eq!(
            image_name("docker.io/bitnami/postgresql:16@sha256:ab"),
            "postgresql"
        );
    }

    #[test]
    fn env_files_read_as_compose_reads_them() {
        let text = "# comment\n\nexport A=1\nB = two words # note\nC='${A} literal'\nD=\"x\\\"y\\nz\" # q\nE=${A}-${MISSING:-dflt}\nF=a#b\nnot a pair\n=nokey\nG=\n";
        let got: Vec<(String, String, u32)> = parse_env_file(text)
            .into_iter()
            .map(|e| (e.key, e.value, e.line))
            .collect();
        let want = [
            ("A", "1", 3),
            ("B", "two words", 4),
            ("C", "${A} literal", 5),
            ("D", "x\"y\nz", 6),
            ("E", "1-dflt", 7),
            ("F", "a#b", 8),
            ("G", "", 11),
        ]
        .map(|(k, v, l)| (k.to_string(), v.to_string(), l));
        assert_eq!(got, want);
    }
}
