//! Kubernetes manifests: workloads (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
//! CronJob), Services, RBAC, Secrets, ConfigMaps and NetworkPolicies.

use super::compose::MANAGEMENT_PORTS;
use super::node::Node;
use super::rules::rule;
use super::{secret_name, Emitter};

const WORKLOADS: &[&str] = &[
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
];

/// Kinds that live outside namespaces.
const CLUSTER_SCOPED: &[&str] = &[
    "ClusterRole",
    "ClusterRoleBinding",
    "Namespace",
    "Node",
    "PersistentVolume",
    "StorageClass",
    "CustomResourceDefinition",
    "PriorityClass",
    "IngressClass",
    "RuntimeClass",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
];

const SENSITIVE: &[&str] = &[
    "/",
    "/etc",
    "/proc",
    "/sys",
    "/boot",
    "/dev",
    "/root",
    "/var/run",
    "/run",
    "/var/lib/kubelet",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/lib/modules",
    "/usr",
    "/home",
    "/var/log",
];

/// Checks one manifest; records the namespaces of workloads and NetworkPolicies it declares.
pub fn check(
    doc: &Node,
    out: &mut Emitter<'_>,
    workloads: &mut Vec<(String, u32)>,
    policies: &mut Vec<String>,
) {
    let kind = doc.str_of("kind").unwrap_or_default();
    let name = doc
        .at(&["metadata", "name"])
        .and_then(Node::as_string)
        .unwrap_or_default();
    let ns_given = doc.at(&["metadata", "namespace"]).and_then(Node::as_string);
    let ns = ns_given.clone().unwrap_or_else(|| "default".into());
    let anchor = doc.line;
    let object = if CLUSTER_SCOPED.contains(&kind.as_str()) {
        format!("{kind}/{name}")
    } else {
        format!("{kind}/{ns}/{name}")
    };
    let ignored: Vec<Ignore> = doc
        .at(&["metadata", "annotations"])
        .map(Node::entries)
        .unwrap_or(&[])
        .iter()
        .filter_map(|(k, v)| {
            let value = v.as_string().unwrap_or_default();
            if let Some(check) = k.strip_prefix("ignore-check.kube-linter.io/") {
                return Some(Ignore {
                    check: check.to_string(),
                    reason: value,
                    annotation: k.clone(),
                });
            }
            // checkov: `checkov.io/skip1: CKV_K8S_20=the reason`.
            k.starts_with("checkov.io/skip").then(|| {
                let (check, reason) = value.split_once('=').unwrap_or((&value, ""));
                Ignore {
                    check: check.trim().to_string(),
                    reason: reason.trim().to_string(),
                    annotation: k.clone(),
                }
            })
        })
        .collect();
    let mut ctx = Ctx {
        out,
        anchor,
        object: &object,
        ignored: &ignored,
    };
    let namespaced = WORKLOADS.contains(&kind.as_str())
        || matches!(
            kind.as_str(),
            "Service" | "Secret" | "ConfigMap" | "Role" | "RoleBinding"
        );
    if namespaced && ns == "default" {
        ctx.hit(
            "k8s-default-namespace",
            anchor,
            "namespace",
            format!("{object} is in the default namespace"),
        );
    }
    match kind.as_str() {
        k if WORKLOADS.contains(&k) => {
            workloads.push((ns.clone(), anchor));
            let spec = match k {
                "Pod" => doc.get("spec"),
                "CronJob" => doc.at(&["spec", "jobTemplate", "spec", "template", "spec"]),
                _ => doc.at(&["spec", "template", "spec"]),
            };
            if let Some(spec) = spec {
                let annotations = match k {
                    "Pod" => doc.at(&["metadata", "annotations"]),
                    _ => doc.at(&["spec", "template", "metadata", "annotations"]),
                };
                pod(&mut ctx, spec, annotations);
            }
        }
        "NetworkPolicy" => policies.push(ns),
        "Role" | "ClusterRole" => rbac(&mut ctx, doc),
        "RoleBinding" | "ClusterRoleBinding"
            if doc
                .at(&["roleRef", "name"])
                .and_then(Node::as_string)
                .as_deref()
                == Some("cluster-admin") =>
        {
            let line = doc.get("roleRef").map_or(anchor, |n| n.line);
            ctx.hit(
                "k8s-cluster-admin-binding",
                line,
                "roleRef",
                format!("{object} binds cluster-admin"),
            );
        }
        "Service" => service(&mut ctx, doc),
        _ => {}
    }
}

/// A suppression carried by an annotation of the object (kube-linter's or checkov's).
struct Ignore {
    check: String,
    reason: String,
    annotation: String,
}

struct Ctx<'a, 'b> {
    out: &'a mut Emitter<'b>,
    anchor: u32,
    object: &'a str,
    ignored: &'a [Ignore],
}

impl Ctx<'_, '_> {
    fn hit(&mut self, id: &str, line: u32, what: &str, detail: String) {
        let suppressed = rule(id).and_then(|r| {
            self.ignored
                .iter()
                .find(|i| r.kube_linter().chain(r.checkov()).any(|k| k == i.check))
                .map(|i| format!("`{}` annotation: {}", i.annotation, i.reason))
        });
        self.out.hit_suppressed(
            id,
            line,
            self.anchor,
            format!("{}/{what}", self.object),
            detail,
            suppressed,
        );
    }
}

fn pod(ctx: &mut Ctx<'_, '_>, spec: &Node, annotations: Option<&Node>) {
    let object = ctx.object.to_string();
    for key in ["hostNetwork", "hostPID", "hostIPC"] {
        if spec.is_true(key) {
            let line = spec.get(key).map_or(spec.line, |n| n.line);
            ctx.hit(
                "k8s-host-namespace",
                line,
                key,
                format!("{object}: {key}: true"),
            );
        }
    }
    if spec
        .get("automountServiceAccountToken")
        .and_then(Node::as_bool)
        != Some(false)
    {
        ctx.hit(
            "k8s-sa-token-automount",
            spec.line,
            "automount",
            format!("{object} does not set automountServiceAccountToken: false"),
        );
    }
    let sa = spec
        .str_of("serviceAccountName")
        .or_else(|| spec.str_of("serviceAccount"));
    if sa.as_deref().is_none_or(|s| s == "default") {
        ctx.hit(
            "k8s-default-service-account",
            spec.line,
            "serviceAccount",
            format!("{object} uses the default service account"),
        );
    }
    for vol in spec.get("volumes").map(Node::items).unwrap_or(&[]) {
        let Some(path) = vol.at(&["hostPath", "path"]).and_then(Node::as_string) else {
            continue;
        };
        let p = path.trim_end_matches('/');
        if p.ends_with("docker.sock") || p.ends_with("containerd.sock") || p.ends_with("crio.sock")
        {
            ctx.hit(
                "k8s-docker-socket",
                vol.line,
                &format!("hostPath{path}"),
                format!("{object} mounts {path}"),
            );
        } else if SENSITIVE.contains(&if p.is_empty() { "/" } else { p })
            || [
                "/etc/",
                "/proc/",
                "/sys/",
                "/root/",
                "/var/lib/kubelet/",
                "/var/lib/docker/",
            ]
            .iter()
            .any(|u| p.starts_with(u))
        {
            ctx.hit(
                "k8s-sensitive-host-path",
                vol.line,
                &format!("hostPath{path}"),
                format!("{object} mounts host path {path}"),
            );
        }
    }
    let psc = spec.get("securityContext");
    let pod_seccomp = psc
        .and_then(|s| s.at(&["seccompProfile", "type"]))
        .and_then(Node::as_string)
        .or_else(|| {
            annotations
                .and_then(|a| a.get("seccomp.security.alpha.kubernetes.io/pod"))
                .and_then(Node::as_string)
                .map(|v| {
                    if v == "runtime/default" || v == "docker/default" {
                        "RuntimeDefault".into()
                    } else {
                        v
                    }
                })
        });
    let containers = ["containers", "initContainers", "ephemeralContainers"]
        .iter()
        .flat_map(|k| spec.get(k).map(Node::items).unwrap_or(&[]));
    for c in containers {
        container(ctx, c, psc, pod_seccomp.as_deref());
    }
}

fn container(ctx: &mut Ctx<'_, '_>, c: &Node, psc: Option<&Node>, pod_seccomp: Option<&str>) {
    let cname = c.str_of("name").unwrap_or_default();
    let who = format!("{} container `{cname}`", ctx.object);
    let line = c.line;
    let sc = c.get("securityContext");
    let get = |key: &str| sc.and_then(|s| s.get(key));
    let key = |what: &str| format!("{cname}/{what}");
    if get("privileged").and_then(Node::as_bool) == Some(true) {
        ctx.hit(
            "k8s-privileged",
            get("privileged").map_or(line, |n| n.line),
            &key("privileged"),
            format!("{who} is privileged"),
        );
    }
    if get("allowPrivilegeEscalation").and_then(Node::as_bool) != Some(false) {
        ctx.hit(
            "k8s-allow-privilege-escalation",
            line,
            &key("ape"),
            format!("{who} does not set allowPrivilegeEscalation: false"),
        );
    }
    // The container's setting wins over the pod's, for each field on its own.
    let user = |n: Option<&Node>| {
        n.and_then(|s| s.get("runAsUser"))
            .and_then(|u| u.as_string())
            .and_then(|u| u.parse::<i64>().ok())
    };
    let non_root = |n: Option<&Node>| n.and_then(|s| s.get("runAsNonRoot")?.as_bool());
    let uid = user(sc).or_else(|| user(psc));
    let non_root = non_root(sc).or_else(|| non_root(psc)) == Some(true);
    // With runAsNonRoot the kubelet refuses to start a container whose user is 0, so only an
    // unset user without runAsNonRoot, or user 0 without it, runs as root.
    let root = !non_root && uid.is_none_or(|u| u == 0);
    if root {
        ctx.hit(
            "k8s-runs-as-root",
            line,
            &key("root"),
            format!("{who} may run as root (runAsNonRoot/runAsUser)"),
        );
    }
    let caps = get("capabilities");
    let added = caps
        .and_then(|c| c.get("add"))
        .map(Node::strings)
        .unwrap_or_default();
    if !added.is_empty() {
        ctx.hit(
            "k8s-added-capabilities",
            caps.map_or(line, |n| n.line),
            &key("caps"),
            format!("{who} adds {}", added.join(", ")),
        );
    }
    let dropped = caps
        .and_then(|c| c.get("drop"))
        .map(Node::strings)
        .unwrap_or_default();
    if !dropped
        .iter()
        .any(|d| d.eq_ignore_ascii_case("ALL") || d.eq_ignore_ascii_case("NET_RAW"))
    {
        ctx.hit(
            "k8s-net-raw-not-dropped",
            line,
            &key("netraw"),
            format!("{who} does not drop ALL or NET_RAW"),
        );
    }
    if get("readOnlyRootFilesystem").and_then(Node::as_bool) != Some(true) {
        ctx.hit(
            "k8s-writable-root-fs",
            line,
            &key("rofs"),
            format!("{who} has a writable root filesystem"),
        );
    }
    let seccomp = get("seccompProfile")
        .and_then(|s| s.str_of("type"))
        .or(pod_seccomp.map(str::to_string));
    if !matches!(seccomp.as_deref(), Some("RuntimeDefault" | "Localhost")) {
        ctx.hit(
            "k8s-seccomp-not-runtime-default",
            line,
            &key("seccomp"),
            format!(
                "{who}: seccomp profile {}",
                seccomp.as_deref().unwrap_or("not set")
            ),
        );
    }
    for p in c.get("ports").map(Node::items).unwrap_or(&[]) {
        if let Some(hp) = p.get("hostPort").and_then(Node::as_string) {
            ctx.hit(
                "k8s-host-port",
                p.line,
                &key(&format!("hostPort{hp}")),
                format!("{who} uses hostPort {hp}"),
            );
        }
    }
    for e in c.get("env").map(Node::items).unwrap_or(&[]) {
        let name = e.str_of("name").unwrap_or_default();
        if e.at(&["valueFrom", "secretKeyRef"]).is_some() {
            ctx.hit(
                "k8s-secret-in-env",
                e.line,
                &key(&format!("env/{name}")),
                format!("{who}: env {name} comes from a Secret"),
            );
        } else if secret_name(&name) && e.str_of("value").is_some_and(|v| !v.is_empty()) {
            ctx.hit(
                "k8s-secret-in-env",
                e.line,
                &key(&format!("env/{name}")),
                format!("{who}: env {name} holds a literal credential"),
            );
        }
    }
    for e in c.get("envFrom").map(Node::items).unwrap_or(&[]) {
        if e.get("secretRef").is_some() {
            ctx.hit(
                "k8s-secret-in-env",
                e.line,
                &key("envFrom"),
                format!("{who}: envFrom a Secret"),
            );
        }
    }
    let res = c.get("resources");
    let missing: Vec<String> = [
        ("requests", "cpu"),
        ("requests", "memory"),
        ("limits", "cpu"),
        ("limits", "memory"),
    ]
    .iter()
    .filter(|(a, b)| res.and_then(|r| r.at(&[a, b])).is_none())
    .map(|(a, b)| format!("{a}.{b}"))
    .collect();
    if !missing.is_empty() {
        ctx.hit(
            "k8s-missing-resources",
            line,
            &key("resources"),
            format!("{who} has no {}", missing.join(", ")),
        );
    }
    if let Some(image) = c.str_of("image") {
        let iline = c.get("image").map_or(line, |n| n.line);
        let (name, digest) = match image.split_once('@') {
            Some((n, d)) => (n, Some(d)),
            None => (image.as_str(), None),
        };
        let tag = name
            .rsplit_once(':')
            .filter(|(_, t)| !t.contains('/'))
            .map(|(_, t)| t);
        if digest.is_none() && matches!(tag, None | Some("latest")) {
            ctx.hit(
                "k8s-image-latest",
                iline,
                &key("latest"),
                format!("{who} image {image}"),
            );
        }
        if digest.is_none() {
            ctx.hit(
                "k8s-image-no-digest",
                iline,
                &key("digest"),
                format!("{who} image {image} has no digest"),
            );
        }
    }
}

fn rbac(ctx: &mut Ctx<'_, '_>, doc: &Node) {
    let object = ctx.object.to_string();
    for (i, r) in doc
        .get("rules")
        .map(Node::items)
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        let list = |k: &str| r.get(k).map(Node::strings).unwrap_or_default();
        let (groups, resources, verbs) = (list("apiGroups"), list("resources"), list("verbs"));
        let star = |v: &[String]| v.iter().any(|x| x == "*");
        let has = |v: &[String], x: &str| v.iter().any(|y| y == x || y == "*");
        if star(&groups) || star(&resources) || star(&verbs) {
            ctx.hit("k8s-rbac-wildcard", r.line, &format!("rule{i}/wildcard"), format!("{object} rule {}: apiGroups {groups:?} resources {resources:?} verbs {verbs:?}", i + 1));
        }
        if has(&resources, "secrets") && ["get", "list", "watch"].iter().any(|v| has(&verbs, v)) {
            ctx.hit(
                "k8s-rbac-secret-read",
                r.line,
                &format!("rule{i}/secrets"),
                format!("{object} rule {} reads secrets", i + 1),
            );
        }
        let mut bad = Vec::new();
        let workload = [
            "pods",
            "deployments",
            "statefulsets",
            "daemonsets",
            "replicasets",
            "jobs",
            "cronjobs",
        ];
        if workload.iter().any(|w| has(&resources, w)) && has(&verbs, "create") {
            bad.push("create pods/workloads");
        }
        if (has(&resources, "pods/exec") || has(&resources, "pods/attach"))
            && (has(&verbs, "create") || has(&verbs, "get"))
        {
            bad.push("exec/attach into pods");
        }
        // Each verb means something only on its own resources: escalate and bind on roles,
        // impersonate on identities.
        let roles = ["roles", "clusterroles"].iter().any(|r| has(&resources, r));
        let identities = ["users", "groups", "serviceaccounts", "userextras", "uids"]
            .iter()
            .any(|r| has(&resources, r));
        for (v, applies) in [
            ("escalate", roles),
            ("bind", roles),
            ("impersonate", identities),
        ] {
            if applies && has(&verbs, v) {
                bad.push(v);
            }
        }
        if !bad.is_empty() {
            ctx.hit(
                "k8s-rbac-pod-exec-escalate",
                r.line,
                &format!("rule{i}/escalation"),
                format!("{object} rule {} allows {}", i + 1, bad.join(", ")),
            );
        }
    }
}

fn service(ctx: &mut Ctx<'_, '_>, doc: &Node) {
    let Some(spec) = doc.get("spec") else { return };
    let ty = spec.str_of("type").unwrap_or_else(|| "ClusterIP".into());
    if !matches!(ty.as_str(), "LoadBalancer" | "NodePort") && spec.get("externalIPs").is_none() {
        return;
    }
    let object = ctx.object.to_string();
    for p in spec.get("ports").map(Node::items).unwrap_or(&[]) {
        let ports = [p.get("port"), p.get("targetPort")];
        let found = ports
            .iter()
            .flatten()
            .filter_map(|n| n.as_string()?.parse::<u32>().ok())
            .find_map(|n| MANAGEMENT_PORTS.iter().find(|(m, _)| *m == n));
        if let Some((port, what)) = found {
            ctx.hit(
                "k8s-service-management-port",
                p.line,
                &format!("port{port}"),
                format!("{object} ({ty}) exposes {what} port {port}"),
            );
        }
    }
}
