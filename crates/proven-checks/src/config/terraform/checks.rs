//! The Terraform rules, over one module's resolved blocks: AWS, Azure and GCP side by side, one
//! function per rule family, each resource type matched where its arguments are read.

use std::collections::BTreeSet;

use super::super::compose::MANAGEMENT_PORTS;
use super::super::node::{Node, Value};
use super::super::{secret_name, Emitter};
use super::Block;
use crate::mask::mask_secret;

/// What a rule needs to know about the rest of the module.
#[derive(Debug, Default)]
pub(super) struct Facts {
    /// An `aws_s3_bucket_logging` exists (the bucket it names is not traced).
    s3_logging: bool,
    /// `vpc_id` references of `aws_flow_log`s; `None` when one cannot be read statically.
    flow_log_vpcs: Option<BTreeSet<String>>,
    /// `aws_ebs_encryption_by_default` is enabled: new volumes are encrypted without a flag.
    ebs_encrypted_by_default: bool,
}

impl Facts {
    /// Reads the facts from every block of the module, bodies resolved.
    pub(super) fn gather<'a>(blocks: impl Iterator<Item = (&'a Block, &'a Node)>) -> Facts {
        let mut f = Facts {
            flow_log_vpcs: Some(BTreeSet::new()),
            ..Facts::default()
        };
        for (b, body) in blocks {
            if b.kind != "resource" {
                continue;
            }
            match b.labels.first().map(String::as_str) {
                Some("aws_s3_bucket_logging") => f.s3_logging = true,
                Some("aws_ebs_encryption_by_default") => {
                    f.ebs_encrypted_by_default |=
                        body.get("enabled").and_then(Node::as_bool) != Some(false);
                }
                Some("aws_flow_log") => match body.get("vpc_id").map(|v| &v.value) {
                    Some(Value::Ref(r)) => {
                        if let Some(set) = f.flow_log_vpcs.as_mut() {
                            set.insert(resource_of(r));
                        }
                    }
                    Some(_) => f.flow_log_vpcs = None,
                    None => {}
                },
                _ => {}
            }
        }
        f
    }
}

/// `aws_vpc.main.id` → `aws_vpc.main`.
fn resource_of(reference: &str) -> String {
    let mut parts = reference.split('.');
    let ty = parts.next().unwrap_or("");
    let name = parts.next().unwrap_or("");
    format!("{ty}.{}", name.split('[').next().unwrap_or(name))
}

/// Checks one top-level block.
pub(super) fn block(out: &mut Emitter<'_>, b: &Block, body: &Node, facts: &Facts) {
    out.scope_end = b.end;
    let ty = b.labels.first().map(String::as_str).unwrap_or_default();
    let name = b.labels.get(1).map(String::as_str).unwrap_or_default();
    let mut c = Check {
        out,
        anchor: b.line,
        id: format!("{ty}.{name}"),
    };
    match b.kind.as_str() {
        "resource" => {
            network(&mut c, ty, body);
            storage(&mut c, ty, body, facts);
            databases(&mut c, ty, body);
            compute(&mut c, ty, body, facts);
            identity(&mut c, ty, body);
            logging(&mut c, ty, body, facts);
            clusters(&mut c, ty, body);
            front_ends(&mut c, ty, body);
            secrets(&mut c, ty, body);
        }
        "data" if ty == "aws_iam_policy_document" => {
            for st in blocks(body, "statement") {
                statement(&mut c, st, "actions", "resources");
            }
        }
        "provider" => {
            c.id = format!("provider.{ty}");
            for (k, v) in body.entries() {
                if matches!(
                    k.as_str(),
                    "access_key"
                        | "secret_key"
                        | "token"
                        | "client_secret"
                        | "password"
                        | "client_certificate_password"
                ) {
                    literal_secret(&mut c, k, v);
                }
            }
        }
        _ => {}
    }
}

struct Check<'a, 'b> {
    out: &'a mut Emitter<'b>,
    anchor: u32,
    id: String,
}

impl Check<'_, '_> {
    fn hit(&mut self, rule: &str, line: u32, what: &str, detail: String) {
        self.out.hit(
            rule,
            line.max(self.anchor),
            self.anchor,
            format!("{}/{what}", self.id),
            format!("{}: {detail}", self.id),
        );
    }
}

fn s(n: &Node, k: &str) -> Option<String> {
    n.str_of(k)
}

fn line(n: &Node, k: &str) -> u32 {
    n.get(k).map_or(n.line, |x| x.line)
}

/// The nested blocks `k`: HCL gives a sequence, `.tf.json` may give a single object.
fn blocks<'n>(n: &'n Node, k: &str) -> &'n [Node] {
    match n.get(k) {
        Some(v) if matches!(v.value, Value::Map(_)) => std::slice::from_ref(v),
        Some(v) => v.items(),
        None => &[],
    }
}

/// The first nested block `k` (`metadata_options { ... }`).
fn first(n: &Node, k: &str) -> Option<Node> {
    blocks(n, k).first().cloned()
}

fn not_true(n: &Node, k: &str) -> bool {
    n.get(k).and_then(Node::as_bool) != Some(true)
}

fn is_false(n: &Node, k: &str) -> bool {
    n.get(k).and_then(Node::as_bool) == Some(false)
}

/// The first of several spellings of one argument that is set (providers rename arguments).
fn either<'n>(n: &'n Node, keys: &[&str]) -> Option<(&'n Node, String)> {
    keys.iter()
        .find_map(|k| n.get(k).map(|v| (v, k.to_string())))
}

fn literal_secret(c: &mut Check<'_, '_>, k: &str, v: &Node) {
    if let Value::Str(text) = &v.value {
        if !text.is_empty() && !text.contains("${") {
            c.hit(
                "tf-hardcoded-secret",
                v.line,
                k,
                format!("{k} = {}", mask_secret(text)),
            );
        }
    }
}

// ------------------------------------------------------------------------------------ network

const OPEN: &[&str] = &[
    "0.0.0.0/0",
    "::/0",
    "*",
    "Internet",
    "Any",
    "any",
    "0.0.0.0",
];

const ALL_PORTS: (i64, i64) = (0, 65535);

fn all_ports((from, to): (i64, i64)) -> bool {
    from <= 0 && to >= 65535 || from == -1
}

/// Reports one rule that admits `ranges` from the open source `open`: SSH, RDP or every port
/// (tf-ssh-rdp-open), and database and management ports (tf-sensitive-port-open).
fn ingress(c: &mut Check<'_, '_>, line: u32, open: &str, ranges: &[(i64, i64)], verb: &str) {
    for &(from, to) in ranges {
        if from < -1 {
            continue;
        }
        let what = if all_ports((from, to)) {
            Some("all ports")
        } else if from <= 22 && 22 <= to {
            Some("SSH (22)")
        } else if from <= 3389 && 3389 <= to {
            Some("RDP (3389)")
        } else {
            None
        };
        if let Some(what) = what {
            c.hit(
                "tf-ssh-rdp-open",
                line,
                &format!("{from}-{to}/{open}"),
                format!("{verb} {what} from {open}"),
            );
        }
        if all_ports((from, to)) {
            continue;
        }
        let sensitive: Vec<String> = MANAGEMENT_PORTS
            .iter()
            .filter(|(p, _)| *p != 22 && from <= i64::from(*p) && i64::from(*p) <= to)
            .map(|(p, name)| format!("{name} ({p})"))
            .collect();
        if !sensitive.is_empty() {
            c.hit(
                "tf-sensitive-port-open",
                line,
                &format!("{from}-{to}/{open}"),
                format!("{verb} {} from {open}", sensitive.join(", ")),
            );
        }
    }
}

fn num(n: &Node, k: &str) -> Option<i64> {
    n.str_of(k)?.parse::<f64>().ok().map(|f| f as i64)
}

fn open_source(sources: &[String]) -> Option<&String> {
    sources.iter().find(|x| OPEN.contains(&x.as_str()))
}

fn aws_rule(c: &mut Check<'_, '_>, r: &Node, cidr_keys: &[&str], proto_key: &str) {
    let cidrs: Vec<String> = cidr_keys
        .iter()
        .flat_map(|k| r.get(k).map(Node::strings).unwrap_or_default())
        .collect();
    let Some(open) = open_source(&cidrs) else {
        return;
    };
    let proto = s(r, proto_key).unwrap_or_default();
    let range = if proto == "-1" || proto == "all" {
        ALL_PORTS
    } else {
        (
            num(r, "from_port").unwrap_or(0),
            num(r, "to_port").unwrap_or(65535),
        )
    };
    ingress(c, r.line, open, &[range], "ingress");
}

/// `"22"`, `"1000-2000"`, `"*"`; unreadable ranges give (-2, -2) and are skipped.
fn port_range(p: &str) -> (i64, i64) {
    if p == "*" {
        return ALL_PORTS;
    }
    let (a, b) = p.split_once('-').unwrap_or((p, p));
    (
        a.trim().parse().unwrap_or(-2),
        b.trim().parse().unwrap_or(-2),
    )
}

fn azure_rule(c: &mut Check<'_, '_>, r: &Node) {
    let inbound = s(r, "direction").is_none_or(|d| d.eq_ignore_ascii_case("inbound"));
    let allow = s(r, "access").is_none_or(|d| d.eq_ignore_ascii_case("allow"));
    let mut sources = r
        .get("source_address_prefix")
        .map(Node::strings)
        .unwrap_or_default();
    sources.extend(
        r.get("source_address_prefixes")
            .map(Node::strings)
            .unwrap_or_default(),
    );
    let Some(open) = open_source(&sources).cloned() else {
        return;
    };
    if !(inbound && allow) {
        return;
    }
    let ranges: Vec<(i64, i64)> = ["destination_port_range", "destination_port_ranges"]
        .iter()
        .flat_map(|k| r.get(k).map(Node::strings).unwrap_or_default())
        .map(|p| port_range(&p))
        .collect();
    ingress(c, r.line, &open, &ranges, "inbound");
}

fn network(c: &mut Check<'_, '_>, ty: &str, b: &Node) {
    match ty {
        "aws_security_group" => {
            for r in blocks(b, "ingress") {
                aws_rule(c, r, &["cidr_blocks", "ipv6_cidr_blocks"], "protocol");
            }
        }
        "aws_security_group_rule" if s(b, "type").as_deref() == Some("ingress") => {
            aws_rule(c, b, &["cidr_blocks", "ipv6_cidr_blocks"], "protocol");
        }
        "aws_vpc_security_group_ingress_rule" => {
            aws_rule(c, b, &["cidr_ipv4", "cidr_ipv6"], "ip_protocol")
        }
        "azurerm_network_security_rule" => azure_rule(c, b),
        "azurerm_network_security_group" => {
            for r in blocks(b, "security_rule") {
                azure_rule(c, r);
            }
        }
        "google_compute_firewall" => {
            let ingress_dir = s(b, "direction").is_none_or(|d| d == "INGRESS");
            let sources = b
                .get("source_ranges")
                .map(Node::strings)
                .unwrap_or_default();
            let Some(open) = open_source(&sources).filter(|_| ingress_dir).cloned() else {
                return;
            };
            for a in blocks(b, "allow") {
                let proto = s(a, "protocol").unwrap_or_default();
                let ports = a.get("ports").map(Node::strings).unwrap_or_default();
                let ranges: Vec<(i64, i64)> = if proto == "all" || ports.is_empty() {
                    vec![ALL_PORTS]
                } else {
                    ports.iter().map(|p| port_range(p)).collect()
                };
                ingress(c, a.line, &open, &ranges, "firewall allows");
            }
        }
        _ => {}
    }
}

// ------------------------------------------------------------------------------------ storage

fn storage(c: &mut Check<'_, '_>, ty: &str, b: &Node, facts: &Facts) {
    match ty {
        "aws_s3_bucket" | "aws_s3_bucket_acl" => {
            if let Some(acl) = s(b, "acl").filter(|a| {
                matches!(
                    a.as_str(),
                    "public-read" | "public-read-write" | "authenticated-read" | "website"
                )
            }) {
                c.hit(
                    "tf-public-storage",
                    line(b, "acl"),
                    "acl",
                    format!("acl = {acl}"),
                );
            }
            if ty == "aws_s3_bucket" && b.get("logging").is_none() && !facts.s3_logging {
                c.hit(
                    "tf-audit-logging-disabled",
                    b.line,
                    "logging",
                    "no access logging (logging block or aws_s3_bucket_logging)".into(),
                );
            }
        }
        "aws_s3_bucket_public_access_block" => {
            for k in [
                "block_public_acls",
                "block_public_policy",
                "ignore_public_acls",
                "restrict_public_buckets",
            ] {
                if is_false(b, k) {
                    c.hit("tf-public-storage", line(b, k), k, format!("{k} = false"));
                }
            }
        }
        "azurerm_storage_container" => {
            if let Some(t) =
                s(b, "container_access_type").filter(|t| t == "blob" || t == "container")
            {
                c.hit(
                    "tf-public-storage",
                    line(b, "container_access_type"),
                    "access",
                    format!("container_access_type = {t}"),
                );
            }
        }
        "azurerm_storage_account" => {
            match either(
                b,
                &[
                    "allow_nested_items_to_be_public",
                    "allow_blob_public_access",
                ],
            ) {
                Some((v, k)) if v.as_bool() == Some(true) => {
                    c.hit("tf-public-storage", v.line, &k, format!("{k} = true"));
                }
                None => c.hit(
                    "tf-public-storage",
                    b.line,
                    "allow_nested_items_to_be_public",
                    "allow_nested_items_to_be_public not set (the provider default is true, so containers may be made public)".into(),
                ),
                _ => {}
            }
            if let Some(v) = s(b, "min_tls_version").filter(|v| v == "TLS1_0" || v == "TLS1_1") {
                c.hit(
                    "tf-weak-tls",
                    line(b, "min_tls_version"),
                    "tls",
                    format!("min_tls_version = {v}"),
                );
            }
            if let Some((v, k)) = either(
                b,
                &["https_traffic_only_enabled", "enable_https_traffic_only"],
            )
            .filter(|(v, _)| v.as_bool() == Some(false))
            {
                c.hit(
                    "tf-plaintext-transport",
                    v.line,
                    "https",
                    format!("{k} = false (plain HTTP accepted)"),
                );
            }
        }
        "google_storage_bucket_iam_member"
        | "google_storage_bucket_iam_binding"
        | "google_storage_bucket_access_control" => {
            let mut members = b.get("members").map(Node::strings).unwrap_or_default();
            members.extend(s(b, "member"));
            members.extend(s(b, "entity"));
            if let Some(m) = members
                .iter()
                .find(|m| m.contains("allUsers") || m.contains("allAuthenticatedUsers"))
            {
                c.hit(
                    "tf-public-storage",
                    b.line,
                    "member",
                    format!("grants access to {m}"),
                );
            }
        }
        "aws_ebs_volume" if not_true(b, "encrypted") && !facts.ebs_encrypted_by_default => {
            c.hit(
                "tf-storage-unencrypted",
                line(b, "encrypted"),
                "encrypted",
                "encrypted is not true".into(),
            );
        }
        "azurerm_managed_disk"
            if first(b, "encryption_settings").is_some_and(|e| is_false(&e, "enabled")) =>
        {
            c.hit(
                "tf-storage-unencrypted",
                line(b, "encryption_settings"),
                "encryption",
                "encryption_settings.enabled = false".into(),
            );
        }
        "aws_kms_key" => {
            let spec = s(b, "customer_master_key_spec").or_else(|| s(b, "key_spec"));
            let symmetric = spec.as_deref().is_none_or(|k| k == "SYMMETRIC_DEFAULT");
            if symmetric && not_true(b, "enable_key_rotation") {
                c.hit(
                    "tf-key-rotation",
                    line(b, "enable_key_rotation"),
                    "rotation",
                    "enable_key_rotation is not true".into(),
                );
            }
        }
        "google_kms_crypto_key" => {
            let purpose = s(b, "purpose").unwrap_or_default();
            if purpose.starts_with("ASYMMETRIC") {
                return;
            }
            let period = s(b, "rotation_period");
            let seconds = period
                .as_deref()
                .and_then(|p| p.strip_suffix('s'))
                .and_then(|p| p.parse::<f64>().ok());
            if seconds.is_none_or(|s| s > 7_776_000.0) {
                c.hit(
                    "tf-key-rotation",
                    line(b, "rotation_period"),
                    "rotation",
                    format!(
                        "rotation_period {} (more than 90 days)",
                        period.as_deref().unwrap_or("not set")
                    ),
                );
            }
        }
        "azurerm_key_vault_key" if b.get("rotation_policy").is_none() => {
            c.hit(
                "tf-key-rotation",
                b.line,
                "rotation",
                "no rotation_policy block".into(),
            );
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------- databases

fn databases(c: &mut Check<'_, '_>, ty: &str, b: &Node) {
    match ty {
        "aws_db_instance" | "aws_rds_cluster" => {
            if not_true(b, "storage_encrypted") {
                c.hit(
                    "tf-storage-unencrypted",
                    line(b, "storage_encrypted"),
                    "storage_encrypted",
                    "storage_encrypted is not true".into(),
                );
            }
            if b.is_true("publicly_accessible") {
                c.hit(
                    "tf-database-public",
                    line(b, "publicly_accessible"),
                    "public",
                    "publicly_accessible = true".into(),
                );
            }
        }
        "aws_elasticache_replication_group" => {
            if not_true(b, "at_rest_encryption_enabled") {
                c.hit(
                    "tf-storage-unencrypted",
                    b.line,
                    "at_rest",
                    "at_rest_encryption_enabled is not true".into(),
                );
            }
            if not_true(b, "transit_encryption_enabled") {
                c.hit(
                    "tf-plaintext-transport",
                    line(b, "transit_encryption_enabled"),
                    "transit",
                    "transit_encryption_enabled is not true".into(),
                );
            }
        }
        "aws_redshift_cluster" if not_true(b, "encrypted") => {
            c.hit(
                "tf-storage-unencrypted",
                b.line,
                "encrypted",
                "encrypted is not true".into(),
            );
        }
        "aws_elasticsearch_domain" | "aws_opensearch_domain" => {
            let opts = first(b, "domain_endpoint_options");
            let p = opts.as_ref().and_then(|d| s(d, "tls_security_policy"));
            if p.as_deref().is_none_or(|p| p.contains("TLS-1-0")) {
                c.hit(
                    "tf-weak-tls",
                    b.line,
                    "tls",
                    format!(
                        "tls_security_policy {}",
                        p.as_deref().unwrap_or("not set (TLS 1.0 allowed)")
                    ),
                );
            }
            if opts.as_ref().is_some_and(|o| is_false(o, "enforce_https")) {
                c.hit(
                    "tf-plaintext-transport",
                    line(b, "domain_endpoint_options"),
                    "https",
                    "domain_endpoint_options.enforce_https = false".into(),
                );
            }
        }
        "azurerm_mssql_server"
        | "azurerm_sql_server"
        | "azurerm_postgresql_server"
        | "azurerm_mysql_server"
        | "azurerm_mariadb_server"
        | "azurerm_postgresql_flexible_server"
        | "azurerm_mysql_flexible_server" => {
            // Single servers default to a public endpoint; flexible servers are private when
            // they get a delegated subnet, so only an explicit `true` counts there.
            let flexible = ty.ends_with("_flexible_server");
            match b
                .get("public_network_access_enabled")
                .and_then(Node::as_bool)
            {
                Some(true) => c.hit(
                    "tf-database-public",
                    line(b, "public_network_access_enabled"),
                    "public",
                    "public_network_access_enabled = true".into(),
                ),
                None if !flexible => c.hit(
                    "tf-database-public",
                    b.line,
                    "public",
                    "public_network_access_enabled not set (the provider default is true)".into(),
                ),
                _ => {}
            }
            let tls =
                s(b, "minimum_tls_version").or_else(|| s(b, "ssl_minimal_tls_version_enforced"));
            if let Some(v) = tls.filter(|v| {
                matches!(
                    v.as_str(),
                    "1.0" | "1.1" | "TLS1_0" | "TLS1_1" | "TLSEnforcementDisabled"
                )
            }) {
                c.hit("tf-weak-tls", b.line, "tls", format!("minimum TLS {v}"));
            }
            if is_false(b, "ssl_enforcement_enabled") {
                c.hit(
                    "tf-plaintext-transport",
                    line(b, "ssl_enforcement_enabled"),
                    "ssl",
                    "ssl_enforcement_enabled = false".into(),
                );
            }
        }
        t if t.starts_with("azurerm_") && t.ends_with("_firewall_rule") => {
            let start = s(b, "start_ip_address").unwrap_or_default();
            let end = s(b, "end_ip_address").unwrap_or_default();
            if start == "0.0.0.0" && end == "255.255.255.255" {
                c.hit(
                    "tf-database-public",
                    b.line,
                    "firewall",
                    "firewall rule allows 0.0.0.0-255.255.255.255".into(),
                );
            }
        }
        "azurerm_redis_cache" => {
            if let Some((v, k)) = either(b, &["non_ssl_port_enabled", "enable_non_ssl_port"])
                .filter(|(v, _)| v.as_bool() == Some(true))
            {
                c.hit(
                    "tf-plaintext-transport",
                    v.line,
                    "non_ssl",
                    format!("{k} = true"),
                );
            }
        }
        "google_sql_database_instance" => {
            let ipc = first(b, "settings").and_then(|st| first(&st, "ip_configuration"));
            for n in ipc
                .as_ref()
                .map_or(&[][..], |i| blocks(i, "authorized_networks"))
            {
                if s(n, "value").is_some_and(|v| OPEN.contains(&v.as_str())) {
                    c.hit(
                        "tf-database-public",
                        n.line,
                        "authorized",
                        "authorized_networks includes 0.0.0.0/0".into(),
                    );
                }
            }
            let ssl_mode = ipc.as_ref().and_then(|i| s(i, "ssl_mode"));
            let required = ipc.as_ref().is_some_and(|i| i.is_true("require_ssl"))
                || matches!(
                    ssl_mode.as_deref(),
                    Some("ENCRYPTED_ONLY" | "TRUSTED_CLIENT_CERTIFICATE_REQUIRED")
                );
            if !required {
                c.hit(
                    "tf-plaintext-transport",
                    line(b, "settings"),
                    "ssl",
                    format!(
                        "ip_configuration allows unencrypted connections (ssl_mode {})",
                        ssl_mode
                            .as_deref()
                            .unwrap_or("not set, require_ssl not true")
                    ),
                );
            }
        }
        "google_redis_instance"
            if s(b, "transit_encryption_mode").as_deref() != Some("SERVER_AUTHENTICATION") =>
        {
            c.hit(
                "tf-plaintext-transport",
                line(b, "transit_encryption_mode"),
                "transit",
                "transit_encryption_mode is not SERVER_AUTHENTICATION".into(),
            );
        }
        _ => {}
    }
}

// ------------------------------------------------------------------------------------ compute

fn compute(c: &mut Check<'_, '_>, ty: &str, b: &Node, facts: &Facts) {
    match ty {
        "aws_instance" | "aws_launch_configuration" | "aws_launch_template" => {
            for k in ["root_block_device", "ebs_block_device"] {
                for d in blocks(b, k) {
                    if not_true(d, "encrypted") && !facts.ebs_encrypted_by_default {
                        c.hit(
                            "tf-storage-unencrypted",
                            d.line,
                            k,
                            format!("{k} is not encrypted"),
                        );
                    }
                }
            }
            if ty != "aws_launch_template"
                && b.get("root_block_device").is_none()
                && !facts.ebs_encrypted_by_default
            {
                c.hit(
                    "tf-storage-unencrypted",
                    b.line,
                    "root_block_device",
                    "no root_block_device { encrypted = true } and no aws_ebs_encryption_by_default, so the root volume is unencrypted".into(),
                );
            }
            if ty != "aws_launch_configuration" {
                let tokens = first(b, "metadata_options").and_then(|m| s(&m, "http_tokens"));
                if tokens.as_deref() != Some("required") {
                    c.hit(
                        "tf-imdsv1",
                        line(b, "metadata_options"),
                        "imds",
                        format!(
                            "metadata_options.http_tokens is {}",
                            tokens.as_deref().unwrap_or("not set (optional)")
                        ),
                    );
                }
            }
            let public = if ty == "aws_launch_template" {
                blocks(b, "network_interfaces")
                    .iter()
                    .find(|n| n.is_true("associate_public_ip_address"))
                    .map(|n| n.line)
            } else {
                b.is_true("associate_public_ip_address")
                    .then(|| line(b, "associate_public_ip_address"))
            };
            if let Some(l) = public {
                c.hit(
                    "tf-public-ip",
                    l,
                    "public_ip",
                    "associate_public_ip_address = true".into(),
                );
            }
            if let Some(Value::Str(ud)) = b.get("user_data").map(|n| &n.value) {
                let upper = ud.to_ascii_uppercase();
                if [
                    "AWS_SECRET_ACCESS_KEY",
                    "PASSWORD=",
                    "PASSWD=",
                    "TOKEN=",
                    "SECRET=",
                ]
                .iter()
                .any(|w| upper.contains(w))
                {
                    c.hit(
                        "tf-hardcoded-secret",
                        line(b, "user_data"),
                        "user_data",
                        "user_data sets a credential".into(),
                    );
                }
                if upper.contains("PASSWORDAUTHENTICATION YES") {
                    c.hit(
                        "tf-vm-password-login",
                        line(b, "user_data"),
                        "sshd",
                        "user_data turns on sshd PasswordAuthentication".into(),
                    );
                }
            }
        }
        "aws_subnet" if b.is_true("map_public_ip_on_launch") => {
            c.hit(
                "tf-public-ip",
                line(b, "map_public_ip_on_launch"),
                "public_ip",
                "map_public_ip_on_launch = true".into(),
            );
        }
        "azurerm_linux_virtual_machine" | "azurerm_linux_virtual_machine_scale_set"
            if is_false(b, "disable_password_authentication") =>
        {
            c.hit(
                "tf-vm-password-login",
                line(b, "disable_password_authentication"),
                "password",
                "disable_password_authentication = false".into(),
            );
        }
        "azurerm_virtual_machine" => {
            let linux = first(b, "os_profile_linux_config");
            if linux.is_some_and(|l| is_false(&l, "disable_password_authentication")) {
                c.hit(
                    "tf-vm-password-login",
                    line(b, "os_profile_linux_config"),
                    "password",
                    "os_profile_linux_config.disable_password_authentication = false".into(),
                );
            }
        }
        "azurerm_network_interface" => {
            for ip in blocks(b, "ip_configuration") {
                if ip.get("public_ip_address_id").is_some() {
                    c.hit(
                        "tf-public-ip",
                        ip.line,
                        "public_ip",
                        "ip_configuration has a public_ip_address_id".into(),
                    );
                }
            }
        }
        "google_compute_instance" | "google_compute_instance_template" => {
            for ni in blocks(b, "network_interface") {
                if ni.get("access_config").is_some() {
                    c.hit(
                        "tf-public-ip",
                        line(ni, "access_config"),
                        "public_ip",
                        "network_interface has an access_config (external IP)".into(),
                    );
                }
            }
        }
        _ => {}
    }
}

// ----------------------------------------------------------------------------------- identity

fn statement(c: &mut Check<'_, '_>, st: &Node, actions_key: &str, resources_key: &str) {
    let effect = st
        .str_of("effect")
        .or_else(|| st.str_of("Effect"))
        .unwrap_or_else(|| "Allow".into());
    if !effect.eq_ignore_ascii_case("allow") {
        return;
    }
    let actions = st
        .get(actions_key)
        .or_else(|| st.get("Action"))
        .map(Node::strings)
        .unwrap_or_default();
    let resources = st
        .get(resources_key)
        .or_else(|| st.get("Resource"))
        .map(Node::strings)
        .unwrap_or_default();
    let all_resources = resources.iter().any(|r| r == "*");
    if let Some(a) = actions
        .iter()
        .find(|a| *a == "*" || a.ends_with(":*") && all_resources)
    {
        c.hit(
            "tf-iam-wildcard",
            st.line,
            &format!("action/{a}"),
            format!("allows `{a}` on {}", resources.join(", ")),
        );
    }
}

fn policy(c: &mut Check<'_, '_>, body: &Node) {
    let Some(p) = body.get("policy") else { return };
    let doc = match &p.value {
        Value::Map(_) => p.clone(),
        Value::Str(text) => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(v) => super::json_node(&v, p.line, 0),
            Err(_) => return,
        },
        _ => return,
    };
    let statements = doc.get("Statement").map(|st| match &st.value {
        Value::Seq(items) => items.clone(),
        _ => vec![st.clone()],
    });
    for st in statements.unwrap_or_default() {
        let st = Node::new(p.line.max(st.line), st.value);
        statement(c, &st, "Action", "Resource");
    }
}

const ADMIN_POLICY: &str = ":policy/AdministratorAccess";

fn identity(c: &mut Check<'_, '_>, ty: &str, b: &Node) {
    match ty {
        "aws_iam_policy"
        | "aws_iam_role_policy"
        | "aws_iam_user_policy"
        | "aws_iam_group_policy" => policy(c, b),
        "aws_iam_role_policy_attachment"
        | "aws_iam_user_policy_attachment"
        | "aws_iam_group_policy_attachment"
        | "aws_iam_policy_attachment"
            if s(b, "policy_arn").is_some_and(|a| a.ends_with(ADMIN_POLICY)) =>
        {
            c.hit(
                "tf-iam-wildcard",
                line(b, "policy_arn"),
                "admin",
                "attaches the AdministratorAccess managed policy".into(),
            );
        }
        "aws_iam_role" => {
            let arns = b
                .get("managed_policy_arns")
                .map(Node::strings)
                .unwrap_or_default();
            if arns.iter().any(|a| a.ends_with(ADMIN_POLICY)) {
                c.hit(
                    "tf-iam-wildcard",
                    line(b, "managed_policy_arns"),
                    "admin",
                    "managed_policy_arns includes AdministratorAccess".into(),
                );
            }
        }
        "azurerm_role_definition" => {
            for p in blocks(b, "permissions") {
                if p.get("actions")
                    .map(Node::strings)
                    .unwrap_or_default()
                    .iter()
                    .any(|a| a == "*")
                {
                    c.hit(
                        "tf-iam-wildcard",
                        p.line,
                        "actions",
                        "permissions.actions = [\"*\"]".into(),
                    );
                }
            }
        }
        "google_project_iam_member"
        | "google_project_iam_binding"
        | "google_organization_iam_member"
        | "google_folder_iam_member" => {
            if let Some(role) = s(b, "role").filter(|r| r == "roles/owner" || r == "roles/editor") {
                c.hit(
                    "tf-iam-wildcard",
                    line(b, "role"),
                    "role",
                    format!("grants {role}"),
                );
            }
        }
        _ => {}
    }
}

// ------------------------------------------------------------------------------------ logging

fn logging(c: &mut Check<'_, '_>, ty: &str, b: &Node, facts: &Facts) {
    match ty {
        "aws_cloudtrail" => {
            if is_false(b, "enable_logging") {
                c.hit(
                    "tf-audit-logging-disabled",
                    line(b, "enable_logging"),
                    "enable_logging",
                    "enable_logging = false".into(),
                );
            }
            if not_true(b, "is_multi_region_trail") {
                c.hit(
                    "tf-audit-logging-disabled",
                    b.line,
                    "multi_region",
                    "is_multi_region_trail is not true".into(),
                );
            }
        }
        "aws_vpc" => {
            let id = c.id.clone();
            if facts
                .flow_log_vpcs
                .as_ref()
                .is_some_and(|vpcs| !vpcs.contains(&id))
            {
                c.hit(
                    "tf-flow-logs-disabled",
                    b.line,
                    "flow_log",
                    "no aws_flow_log references this VPC".into(),
                );
            }
        }
        "google_compute_subnetwork" => {
            // Proxy-only subnets cannot have flow logs.
            let proxy =
                s(b, "purpose").is_some_and(|p| p.contains("PROXY") || p.contains("LOAD_BALANCER"));
            if !proxy && b.get("log_config").is_none() {
                c.hit(
                    "tf-flow-logs-disabled",
                    b.line,
                    "log_config",
                    "no log_config block, so VPC flow logs are off".into(),
                );
            }
        }
        "azurerm_network_watcher_flow_log" if is_false(b, "enabled") => {
            c.hit(
                "tf-flow-logs-disabled",
                line(b, "enabled"),
                "enabled",
                "enabled = false".into(),
            );
        }
        _ => {}
    }
}

// ------------------------------------------------------------------------ managed Kubernetes

fn clusters(c: &mut Check<'_, '_>, ty: &str, b: &Node) {
    match ty {
        "aws_eks_cluster" => {
            let types = b
                .get("enabled_cluster_log_types")
                .map(Node::strings)
                .unwrap_or_default();
            if !types.iter().any(|t| t == "audit") {
                c.hit(
                    "tf-audit-logging-disabled",
                    line(b, "enabled_cluster_log_types"),
                    "logs",
                    "enabled_cluster_log_types does not include audit".into(),
                );
            }
            let vpc = first(b, "vpc_config");
            let public = vpc
                .as_ref()
                .is_none_or(|v| !is_false(v, "endpoint_public_access"));
            let cidrs = vpc
                .as_ref()
                .and_then(|v| v.get("public_access_cidrs"))
                .map(Node::strings);
            if public
                && cidrs
                    .as_ref()
                    .is_none_or(|c| c.iter().any(|x| x == "0.0.0.0/0"))
            {
                c.hit(
                    "tf-k8s-public-endpoint",
                    line(b, "vpc_config"),
                    "endpoint",
                    "public API endpoint open to 0.0.0.0/0".into(),
                );
            }
        }
        "azurerm_kubernetes_cluster" => {
            let ranges = first(b, "api_server_access_profile")
                .and_then(|p| p.get("authorized_ip_ranges").map(Node::strings))
                .or_else(|| b.get("api_server_authorized_ip_ranges").map(Node::strings))
                .unwrap_or_default();
            let open = ranges.iter().any(|r| OPEN.contains(&r.as_str()));
            if not_true(b, "private_cluster_enabled") && (ranges.is_empty() || open) {
                c.hit(
                    "tf-k8s-public-endpoint",
                    b.line,
                    "endpoint",
                    if open {
                        "authorised IP ranges include 0.0.0.0/0".into()
                    } else {
                        "neither private nor restricted to authorised IP ranges".into()
                    },
                );
            }
            if b.get("oms_agent").is_none() {
                c.hit(
                    "tf-audit-logging-disabled",
                    b.line,
                    "oms",
                    "no oms_agent (monitoring) block".into(),
                );
            }
            let pool = first(b, "default_node_pool");
            if let Some((v, k)) = pool.as_ref().and_then(|p| {
                either(p, &["node_public_ip_enabled", "enable_node_public_ip"])
                    .filter(|(v, _)| v.as_bool() == Some(true))
                    .map(|(v, k)| (v.line, k))
            }) {
                c.hit(
                    "tf-public-ip",
                    v,
                    "node_public_ip",
                    format!("default_node_pool.{k} = true"),
                );
            }
        }
        "google_container_cluster" => {
            let private = first(b, "private_cluster_config")
                .is_some_and(|p| p.is_true("enable_private_endpoint"));
            let networks = first(b, "master_authorized_networks_config");
            let open = networks.as_ref().is_some_and(|n| {
                blocks(n, "cidr_blocks")
                    .iter()
                    .any(|c| s(c, "cidr_block").is_some_and(|v| OPEN.contains(&v.as_str())))
            });
            if !private && (networks.is_none() || open) {
                c.hit(
                    "tf-k8s-public-endpoint",
                    line(b, "master_authorized_networks_config"),
                    "endpoint",
                    if open {
                        "master_authorized_networks_config allows 0.0.0.0/0".into()
                    } else {
                        "no master_authorized_networks_config and no private endpoint".into()
                    },
                );
            }
            if s(b, "logging_service").as_deref() == Some("none") {
                c.hit(
                    "tf-audit-logging-disabled",
                    line(b, "logging_service"),
                    "logging",
                    "logging_service = none".into(),
                );
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------- front ends

const OLD_ELB_POLICIES: &[&str] = &[
    "ELBSecurityPolicy-2016-08",
    "ELBSecurityPolicy-TLS-1-0-2015-04",
    "ELBSecurityPolicy-TLS-1-1-2017-01",
    "ELBSecurityPolicy-2015-05",
    "ELBSecurityPolicy-FS-2018-06",
    "ELBSecurityPolicy-FS-1-1-2019-08",
];

fn front_ends(c: &mut Check<'_, '_>, ty: &str, b: &Node) {
    match ty {
        "aws_lb_listener" | "aws_alb_listener" => {
            let proto = s(b, "protocol").unwrap_or_default().to_ascii_uppercase();
            if proto == "HTTPS" || proto == "TLS" {
                // Without ssl_policy the listener gets ELBSecurityPolicy-2016-08 (TLS 1.0).
                let p = s(b, "ssl_policy");
                if p.as_deref().is_none_or(|p| OLD_ELB_POLICIES.contains(&p)) {
                    c.hit(
                        "tf-weak-tls",
                        line(b, "ssl_policy"),
                        "ssl_policy",
                        format!(
                            "ssl_policy {} allows TLS below 1.2",
                            p.as_deref()
                                .unwrap_or("not set (defaults to ELBSecurityPolicy-2016-08)")
                        ),
                    );
                }
            }
            if proto == "HTTP" {
                let redirects = blocks(b, "default_action").iter().any(|a| {
                    s(a, "type").as_deref() == Some("redirect")
                        && first(a, "redirect").is_some_and(|r| {
                            s(&r, "protocol").is_none_or(|p| p.eq_ignore_ascii_case("HTTPS"))
                        })
                });
                if !redirects {
                    c.hit(
                        "tf-http-frontend",
                        line(b, "protocol"),
                        "http",
                        "HTTP listener that does not redirect to HTTPS".into(),
                    );
                }
            }
        }
        "aws_cloudfront_distribution" => {
            let cert = first(b, "viewer_certificate");
            // With the *.cloudfront.net certificate CloudFront uses the TLSv1 policy whatever
            // minimum_protocol_version says.
            let weak = if cert
                .as_ref()
                .is_some_and(|v| v.is_true("cloudfront_default_certificate"))
            {
                Some("TLSv1 (the default CloudFront certificate forces it)".to_string())
            } else {
                cert.as_ref()
                    .and_then(|v| s(v, "minimum_protocol_version"))
                    .filter(|v| !v.starts_with("TLSv1.2") && !v.starts_with("TLSv1.3"))
            };
            if let Some(v) = weak {
                c.hit(
                    "tf-weak-tls",
                    line(b, "viewer_certificate"),
                    "viewer",
                    format!("minimum_protocol_version = {v}"),
                );
            }
            let behaviours = ["default_cache_behavior", "ordered_cache_behavior"]
                .iter()
                .flat_map(|k| blocks(b, k));
            for cb in behaviours {
                if s(cb, "viewer_protocol_policy").as_deref() == Some("allow-all") {
                    c.hit(
                        "tf-http-frontend",
                        line(cb, "viewer_protocol_policy"),
                        "viewer_protocol",
                        "viewer_protocol_policy = allow-all (plain HTTP served)".into(),
                    );
                }
            }
        }
        "azurerm_app_service"
        | "azurerm_linux_web_app"
        | "azurerm_windows_web_app"
        | "azurerm_function_app"
        | "azurerm_linux_function_app"
        | "azurerm_windows_function_app" => {
            let sc = first(b, "site_config");
            let v = sc
                .as_ref()
                .and_then(|x| s(x, "min_tls_version").or_else(|| s(x, "minimum_tls_version")));
            if let Some(v) = v.filter(|v| v == "1.0" || v == "1.1") {
                c.hit(
                    "tf-weak-tls",
                    line(b, "site_config"),
                    "tls",
                    format!("minimum TLS {v}"),
                );
            }
            if not_true(b, "https_only") {
                c.hit(
                    "tf-http-frontend",
                    line(b, "https_only"),
                    "https_only",
                    "https_only is not true (plain HTTP served)".into(),
                );
            }
        }
        "google_compute_ssl_policy" => {
            let v = s(b, "min_tls_version").unwrap_or_else(|| "TLS_1_0 (default)".into());
            if v.starts_with("TLS_1_0") || v == "TLS_1_1" {
                c.hit(
                    "tf-weak-tls",
                    line(b, "min_tls_version"),
                    "tls",
                    format!("min_tls_version = {v}"),
                );
            }
        }
        _ => {}
    }
}

// ------------------------------------------------------------------------------------ secrets

/// Environment maps of functions and apps: (block path, map key).
const ENV_MAPS: &[(&str, &[&str])] = &[
    ("aws_lambda_function", &["environment", "variables"]),
    ("google_cloudfunctions_function", &["environment_variables"]),
    (
        "google_cloudfunctions2_function",
        &["service_config", "environment_variables"],
    ),
    ("azurerm_function_app", &["app_settings"]),
    ("azurerm_linux_function_app", &["app_settings"]),
    ("azurerm_windows_function_app", &["app_settings"]),
    ("azurerm_app_service", &["app_settings"]),
    ("azurerm_linux_web_app", &["app_settings"]),
    ("azurerm_windows_web_app", &["app_settings"]),
];

fn secrets(c: &mut Check<'_, '_>, ty: &str, b: &Node) {
    if let Some((_, path)) = ENV_MAPS.iter().find(|(t, _)| *t == ty) {
        // Nested blocks are sequences of one map; attributes are maps.
        let mut node = Some(b.clone());
        for k in *path {
            node = node.and_then(|n| {
                let v = n.get(k)?;
                Some(v.items().first().cloned().unwrap_or_else(|| v.clone()))
            });
        }
        for (k, v) in node.as_ref().map(Node::entries).unwrap_or(&[]) {
            if secret_name(k) {
                literal_secret(c, k, v);
            }
        }
    }
    if ty.starts_with("aws_iam") {
        return;
    }
    for (k, v) in b.entries() {
        if secret_name(k)
            && !k.contains("rotation")
            && !k.contains("version")
            && !k.contains("length")
        {
            literal_secret(c, k, v);
        }
    }
}
