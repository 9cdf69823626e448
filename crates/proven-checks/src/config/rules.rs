//! Every configuration rule: id, title, severity, CRA clause, CIS benchmark section, the ids of
//! the same check in other tools, and its documentation.

use proven_model::SeverityLevel::{self, Critical, High, Info, Low, Medium};

/// What a rule reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    Dockerfile,
    Compose,
    Kubernetes,
    Terraform,
}

impl Target {
    /// The name in evidence and docs.
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Dockerfile => "Dockerfile",
            Target::Compose => "docker-compose",
            Target::Kubernetes => "Kubernetes",
            Target::Terraform => "Terraform",
        }
    }
}

/// One configuration rule.
#[derive(Debug)]
pub struct Rule {
    pub id: &'static str,
    pub target: Target,
    pub severity: SeverityLevel,
    pub title: &'static str,
    /// CRA Annex I Part I clause (`I.2(b)`).
    pub cra: &'static str,
    /// CIS Docker or Kubernetes benchmark section, empty when there is none.
    pub cis: &'static str,
    /// Ids of the same check in checkov (CKV_…), trivy (AVD-…, DS…, KSV…), hadolint (DL…) and
    /// kube-linter (lowercase names), separated by spaces.
    pub peers: &'static str,
    pub what: &'static str,
    pub why: &'static str,
    pub example: &'static str,
    pub fix: &'static str,
}

impl Rule {
    /// checkov ids.
    pub fn checkov(&self) -> impl Iterator<Item = &'static str> {
        self.peers
            .split_whitespace()
            .filter(|p| p.starts_with("CKV"))
    }

    /// trivy ids (AVD-… and the short DS…/KSV… forms).
    pub fn trivy(&self) -> impl Iterator<Item = &'static str> {
        self.peers
            .split_whitespace()
            .filter(|p| p.starts_with("AVD-") || p.starts_with("DS") || p.starts_with("KSV"))
    }

    /// hadolint ids.
    pub fn hadolint(&self) -> impl Iterator<Item = &'static str> {
        self.peers
            .split_whitespace()
            .filter(|p| p.starts_with("DL"))
    }

    /// kube-linter check names.
    pub fn kube_linter(&self) -> impl Iterator<Item = &'static str> {
        self.peers
            .split_whitespace()
            .filter(|p| p.starts_with(|c: char| c.is_ascii_lowercase()))
    }

    /// Links to the rule's sources and to the peers' documentation of the same check.
    pub fn references(&self) -> Vec<String> {
        let mut out = vec!["https://eur-lex.europa.eu/eli/reg/2024/2847/oj".to_string()];
        out.extend(
            self.hadolint()
                .map(|d| format!("https://github.com/hadolint/hadolint/wiki/{d}")),
        );
        out.extend(self.trivy().filter(|t| t.starts_with("AVD-")).map(|t| {
            format!(
                "https://avd.aquasec.com/misconfig/{}",
                t.to_ascii_lowercase()
            )
        }));
        out.extend(
            self.kube_linter()
                .map(|k| format!("https://docs.kubelinter.io/#/generated/checks?id={k}")),
        );
        if self.checkov().next().is_some() {
            out.push("https://www.checkov.io/5.Policy%20Index/all.html".to_string());
        }
        out
    }

    fn cis_name(&self) -> &'static str {
        match self.target {
            Target::Dockerfile | Target::Compose => "CIS Docker Benchmark",
            Target::Kubernetes => "CIS Kubernetes Benchmark",
            Target::Terraform => "CIS cloud foundations benchmark",
        }
    }

    /// The documentation, with the fixed headings.
    pub fn docs(&self) -> String {
        let mut s = format!(
            "# {} — {}\n\nTarget: {} · Severity: {} · CRA Annex I {}\n",
            self.id,
            self.title,
            self.target.as_str(),
            self.severity,
            self.cra
        );
        if !self.cis.is_empty() {
            s.push_str(&format!("{} section {}\n", self.cis_name(), self.cis));
        }
        if !self.peers.is_empty() {
            s.push_str(&format!("Same check elsewhere: {}\n", self.peers));
        }
        s.push_str(&format!(
            "\n## What it does\n\n{}\n\n## Why is this bad\n\n{}\n\n## Example\n\n```\n{}\n```\n\n## Fix\n\n{}\n\n## References\n\n",
            self.what, self.why, self.example, self.fix
        ));
        for r in self.references() {
            s.push_str(&format!("- {r}\n"));
        }
        s
    }
}

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

#[allow(clippy::too_many_arguments)]
const fn r(
    id: &'static str,
    target: Target,
    severity: SeverityLevel,
    title: &'static str,
    cra: &'static str,
    cis: &'static str,
    peers: &'static str,
    what: &'static str,
    why: &'static str,
    example: &'static str,
    fix: &'static str,
) -> Rule {
    Rule {
        id,
        target,
        severity,
        title,
        cra,
        cis,
        peers,
        what,
        why,
        example,
        fix,
    }
}

use Target::{Compose as C, Dockerfile as D, Kubernetes as K, Terraform as T};

/// Every rule, grouped by target.
pub static RULES: &[Rule] = &[
    // ---------------------------------------------------------------- Dockerfile
    r("docker-runs-as-root", D, High, "Container runs as root", "I.2(b)", "4.1",
      "CKV_DOCKER_3 CKV_DOCKER_8 AVD-DS-0002 DS002 DL3002",
      "Reports a final stage with no USER instruction, or whose last USER is root (or UID 0); in an image's configuration, a User that is empty, root or 0.",
      "A process running as root in the container is root on the host's kernel; one escape or a writable host mount becomes full host compromise.",
      "FROM alpine:3.20\nRUN apk add --no-cache curl\nCMD [\"app\"]",
      "Create an unprivileged user and switch to it before CMD: `RUN adduser -D app` and `USER app`."),
    r("docker-secret-in-env", D, High, "Secret in ENV or ARG", "I.2(e)", "4.10",
      "AVD-DS-0031 DS031",
      "Reports ENV and ARG instructions, and the environment of an image's configuration, whose name looks like a credential (password, token, secret, API or private key).",
      "ENV values are stored in the image config and ARG values in its history; anyone who can pull the image can read them.",
      "ENV DB_PASSWORD=hunter2",
      "Pass secrets at run time (orchestrator secrets) or at build time with `RUN --mount=type=secret`."),
    r("docker-secret-file-copied", D, High, "Key or credential file copied into the image", "I.2(e)", "4.10",
      "AVD-DS-0031 DS031",
      "Reports COPY and ADD of private keys and credential files (id_rsa, *.pem, *.key, .env, .npmrc, .netrc, credentials).",
      "Files copied into a layer stay in the image even if a later layer deletes them.",
      "COPY id_rsa /root/.ssh/id_rsa",
      "Use `RUN --mount=type=secret` or `--mount=type=ssh`, and list the files in .dockerignore."),
    r("docker-expose-ssh", D, Medium, "SSH port 22 exposed", "I.2(j)", "5.7",
      "CKV_DOCKER_1 AVD-DS-0004 DS004",
      "Reports `EXPOSE 22`, and port 22 in an image configuration's ExposedPorts.",
      "An SSH daemon in a container is an extra remote login surface that bypasses the orchestrator's access control and audit.",
      "EXPOSE 22",
      "Remove the SSH server; use `docker exec` or `kubectl exec` for debugging."),
    r("docker-tls-verification-disabled", D, High, "TLS certificate verification disabled", "I.2(d)", "",
      "CKV2_DOCKER_2 CKV2_DOCKER_3 CKV2_DOCKER_4 CKV2_DOCKER_5 CKV2_DOCKER_6 CKV2_DOCKER_12 CKV2_DOCKER_13 CKV2_DOCKER_14 CKV2_DOCKER_15 CKV2_DOCKER_16",
      "Reports curl -k/--insecure, wget --no-check-certificate, pip --trusted-host, npm strict-ssl false, git sslVerify false, yum/dnf sslverify=0 and the environment variables NODE_TLS_REJECT_UNAUTHORIZED=0, GIT_SSL_NO_VERIFY, PYTHONHTTPSVERIFY=0, PIP_TRUSTED_HOST, NPM_CONFIG_STRICT_SSL=false (in ENV or in an image configuration's environment).",
      "Without certificate checks anyone on the network path can substitute the downloaded code or packages.",
      "RUN curl -k https://example.com/install.sh -o /tmp/i.sh",
      "Remove the flag; if a private CA is needed, add its certificate to the trust store."),
    r("docker-unsigned-packages", D, High, "Package signature checks disabled", "I.2(f)", "",
      "CKV2_DOCKER_7 CKV2_DOCKER_8 CKV2_DOCKER_9 CKV2_DOCKER_10 CKV2_DOCKER_11",
      "Reports apt --allow-unauthenticated/--force-yes, apk --allow-untrusted, yum/dnf --nogpgcheck and rpm --nosignature.",
      "Package signatures are what proves a package came from its distributor; without them a mirror or proxy can ship anything.",
      "RUN apt-get install -y --allow-unauthenticated curl",
      "Remove the flag and import the repository's signing key instead."),
    r("docker-sudo", D, Medium, "sudo used in RUN", "I.2(b)", "",
      "AVD-DS-0010 DS010 DL3004",
      "Reports RUN instructions that call sudo.",
      "sudo in an image means a setuid-root binary and a sudoers policy stay in the image; build steps already run as the USER in effect.",
      "RUN sudo apt-get update",
      "Switch with `USER root` for the step that needs it, then back to the unprivileged user."),
    r("docker-chpasswd", D, High, "Password set with chpasswd", "I.2(e)", "",
      "CKV2_DOCKER_17",
      "Reports RUN instructions that set a password with chpasswd.",
      "The password is in the image history in clear text and every container from the image shares it.",
      "RUN echo 'root:toor' | chpasswd",
      "Do not set login passwords in images; use key-based access provided at run time if access is needed at all."),
    r("docker-latest-tag", D, Medium, "Base image is `latest` or untagged", "I.2(c)", "4.2",
      "CKV_DOCKER_7 AVD-DS-0001 DS001 DL3006 DL3007",
      "Reports FROM lines whose image has no tag or the tag `latest` (build stages and scratch excepted).",
      "The build changes whenever the tag moves: unreviewed code enters the product and builds cannot be reproduced.",
      "FROM ubuntu:latest",
      "Name a version tag (`ubuntu:24.04`), better also pin the digest."),
    r("docker-base-not-pinned", D, Low, "Base image not pinned by digest", "I.2(c)", "4.2",
      "",
      "Reports FROM lines whose image is not pinned with `@sha256:`.",
      "A tag can be moved to different content; only the digest names exactly the bytes that were reviewed.",
      "FROM python:3.12-slim",
      "Pin the digest: `FROM python:3.12-slim@sha256:<digest>` and let a bot update it."),
    r("docker-add-instead-of-copy", D, Medium, "ADD used (remote URL, archive or file)", "I.2(c)", "4.9",
      "CKV_DOCKER_4 AVD-DS-0005 DS005 DL3020",
      "Reports ADD instructions; a remote URL without --checksum and archives (auto-extracted) are named in the evidence.",
      "ADD fetches remote content without verifying it and silently unpacks archives; COPY does neither.",
      "ADD https://example.com/tool.tar.gz /opt/",
      "Use COPY for local files; download with a checksum check (`ADD --checksum=sha256:…` or curl + sha256sum)."),
    r("docker-curl-pipe-shell", D, High, "Download piped into a shell without pipefail", "I.2(f)", "",
      "DL4006",
      "Reports RUN instructions that pipe curl or wget into sh/bash while pipefail is not set.",
      "The script is executed unverified and, without pipefail, a failed or truncated download still lets the build pass.",
      "RUN curl -sSL https://get.example.com | sh",
      "Download to a file, verify its checksum or signature, then run it; set `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]`."),
    r("docker-no-healthcheck", D, Low, "No HEALTHCHECK", "I.2(h)", "4.6",
      "CKV_DOCKER_2 AVD-DS-0026 DS026",
      "Reports images whose final stage has no HEALTHCHECK instruction, or whose configuration has no Healthcheck.",
      "Without a health check a hung service keeps receiving traffic and is not restarted, which hurts availability.",
      "FROM nginx:1.27\nCOPY site /usr/share/nginx/html",
      "Add `HEALTHCHECK CMD curl -f http://localhost/ || exit 1` (or `HEALTHCHECK NONE` to state it is handled elsewhere)."),
    r("docker-apt-update-alone", D, Medium, "apt-get update in its own RUN", "I.2(c)", "4.7",
      "CKV_DOCKER_5 AVD-DS-0017 DS017",
      "Reports RUN instructions that update the package index without installing in the same instruction.",
      "The cached update layer is reused by later builds, so installs get stale package versions and miss security fixes.",
      "RUN apt-get update\nRUN apt-get install -y curl",
      "Combine them: `RUN apt-get update && apt-get install -y curl`."),
    r("docker-unpinned-packages", D, Low, "Packages installed without a version", "I.2(c)", "",
      "DL3008 DL3013 DL3016 DL3018 DL3028",
      "Reports apt-get, apk, pip, npm and gem installs of named packages without a version pin.",
      "Unpinned installs make builds unreproducible and let an unreviewed new release into the product.",
      "RUN apk add curl",
      "Pin versions (`curl=8.5.0-r0`, `requests==2.32.3`, `left-pad@1.3.0`) or install from a lockfile."),
    r("docker-apt-no-install-recommends", D, Low, "apt-get install without --no-install-recommends", "I.2(j)", "",
      "AVD-DS-0029 DS029 DL3015",
      "Reports apt-get install without --no-install-recommends.",
      "Recommended packages enlarge the attack surface with software nobody asked for.",
      "RUN apt-get update && apt-get install -y curl",
      "Add `--no-install-recommends`."),
    r("docker-apk-no-cache", D, Low, "apk add without --no-cache", "I.2(j)", "",
      "AVD-DS-0025 DS025 DL3019",
      "Reports apk add without --no-cache.",
      "The package index stays in the image: bigger images and stale metadata.",
      "RUN apk add curl=8.5.0-r0",
      "Use `apk add --no-cache`."),
    r("docker-relative-workdir", D, Low, "WORKDIR is a relative path", "I.2(a)", "",
      "CKV_DOCKER_10 AVD-DS-0009 DS009 DL3000",
      "Reports WORKDIR with a relative path.",
      "A relative WORKDIR depends on earlier instructions and the base image, so files land where reviewers do not expect.",
      "WORKDIR app",
      "Use an absolute path: `WORKDIR /app`."),
    r("docker-multiple-cmd-entrypoint", D, Low, "Several CMD or ENTRYPOINT in one stage", "I.2(a)", "",
      "AVD-DS-0016 DS016 AVD-DS-0007 DS007 DL4003 DL4004",
      "Reports a stage with more than one CMD or more than one ENTRYPOINT.",
      "Only the last one takes effect; the others mislead reviewers about what the image runs.",
      "CMD [\"a\"]\nCMD [\"b\"]",
      "Keep one CMD and one ENTRYPOINT per stage."),
    r("docker-maintainer", D, Info, "MAINTAINER is deprecated", "I.2(a)", "",
      "CKV_DOCKER_6 AVD-DS-0022 DS022 DL4000",
      "Reports the deprecated MAINTAINER instruction.",
      "It is ignored by modern tooling; the image has no machine-readable owner.",
      "MAINTAINER someone@example.com",
      "Use `LABEL org.opencontainers.image.authors=\"someone@example.com\"`."),
    // ---------------------------------------------------------------- docker-compose
    r("compose-privileged", C, Critical, "Service runs privileged", "I.2(b)", "5.4",
      "",
      "Reports services with `privileged: true`.",
      "A privileged container has every capability and every host device; escaping to the host is trivial.",
      "services:\n  app:\n    image: app:1.0\n    privileged: true",
      "Remove `privileged` and add only the capabilities the service needs."),
    r("compose-docker-socket", C, Critical, "Docker socket mounted", "I.2(b)", "5.31",
      "",
      "Reports volumes that mount /var/run/docker.sock (or /run/docker.sock, containerd and CRI-O sockets).",
      "Whoever controls the socket controls the Docker daemon, which is root on the host.",
      "volumes:\n  - /var/run/docker.sock:/var/run/docker.sock",
      "Do not mount the socket; use a socket proxy allowing only the API calls needed."),
    r("compose-sensitive-host-path", C, High, "Sensitive host path mounted", "I.2(b)", "5.5",
      "",
      "Reports bind mounts of /, /etc, /proc, /sys, /boot, /dev, /root, /var/lib/docker, /var/run and similar host paths.",
      "Writable system folders let a container change the host; readable ones leak credentials and configuration.",
      "volumes:\n  - /etc:/host-etc",
      "Mount only the application's own data folders or named volumes."),
    r("compose-host-namespace", C, High, "Host network, PID, IPC or user namespace shared", "I.2(b)", "5.9 5.15 5.16 5.30",
      "",
      "Reports `network_mode: host`, `pid: host`, `ipc: host` and `userns_mode: host`.",
      "Sharing a host namespace removes the isolation between the container and the host's processes or network.",
      "network_mode: host",
      "Use the default namespaces and publish only the ports needed."),
    r("compose-dangerous-capabilities", C, High, "Dangerous capabilities added", "I.2(b)", "5.3",
      "",
      "Reports cap_add of ALL, SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE, DAC_READ_SEARCH, SYS_RAWIO, BPF.",
      "These capabilities are close to root on the host: mounting, kernel modules, tracing other processes.",
      "cap_add:\n  - SYS_ADMIN",
      "Drop the capability or replace it with a narrower one."),
    r("compose-no-cap-drop", C, Low, "Capabilities not dropped", "I.2(j)", "5.3",
      "",
      "Reports services without `cap_drop: [ALL]`.",
      "The default capability set includes NET_RAW, CHOWN, SETUID and others most services never need.",
      "services:\n  app:\n    image: app:1.0",
      "Add `cap_drop: [ALL]` and `cap_add` only what is needed."),
    r("compose-no-new-privileges", C, Medium, "no-new-privileges not set", "I.2(b)", "5.25",
      "",
      "Reports services without `security_opt: [\"no-new-privileges:true\"]`.",
      "Without it setuid binaries in the image can raise a process's privileges.",
      "services:\n  app:\n    image: app:1.0",
      "Add `security_opt: [\"no-new-privileges:true\"]`."),
    r("compose-unconfined-profile", C, High, "seccomp or AppArmor unconfined", "I.2(b)", "5.1 5.21",
      "",
      "Reports `seccomp:unconfined` and `apparmor:unconfined` in security_opt.",
      "The profiles block the system calls most container escapes use.",
      "security_opt:\n  - seccomp:unconfined",
      "Remove the option (the default profile applies) or ship a tailored profile."),
    r("compose-port-all-interfaces", C, Low, "Port published on all interfaces", "I.2(j)", "5.14",
      "",
      "Reports published ports without a host address (which Docker binds to 0.0.0.0 and ::).",
      "The port is reachable from every network the host is on, and Docker's rules bypass host firewalls such as ufw.",
      "ports:\n  - \"8080:80\"",
      "Bind to the interface needed: `127.0.0.1:8080:80`."),
    r("compose-management-port", C, High, "Management or database port published", "I.2(j)", "5.8",
      "",
      "Reports published ports of the Docker API (2375/2376), SSH, databases (3306, 5432, 1433, 27017, 6379, 9200, 9042, 5984, 8086, 7474), admin consoles (5601, 15672, 9001, 8161, 8500, 5050) and similar.",
      "These services are meant for operators or other containers; publishing them invites brute force and exploitation.",
      "ports:\n  - \"5432:5432\"",
      "Do not publish the port; reach it over the compose network, or bind to 127.0.0.1."),
    r("compose-default-credentials", C, Critical, "Default or weak credentials for a well-known image", "I.2(e)", "",
      "",
      "Knows the credential variables and documented default or example values of over 30 images (postgres, mysql, mariadb, mongo, redis, rabbitmq, minio, grafana, elasticsearch, kibana, keycloak, jenkins, gitea, nexus, sonarqube, tomcat, wordpress, pgadmin, airflow, mssql, couchdb, neo4j, influxdb, …) and reports services that use them, leave them unset where the image then falls back to a default, or disable authentication.",
      "Default credentials are the first thing attackers try; they are published in the image's own documentation.",
      "image: postgres:16\nenvironment:\n  POSTGRES_PASSWORD: postgres",
      "Generate a strong secret and pass it with compose `secrets:` or an env file that is not committed."),
    r("compose-no-resource-limits", C, Low, "No memory, CPU or PID limits", "I.2(h)", "5.10 5.11 5.28",
      "",
      "Reports services without a memory limit, a CPU limit or a PID limit (mem_limit, cpus, pids_limit or deploy.resources.limits).",
      "One runaway or attacked container can exhaust the host and take every other service down.",
      "services:\n  app:\n    image: app:1.0",
      "Set `deploy.resources.limits` (memory, cpus, pids)."),
    r("compose-not-read-only", C, Low, "Root filesystem writable", "I.2(b)", "5.12",
      "",
      "Reports services without `read_only: true`.",
      "A writable root filesystem lets an intruder drop tools and persist in the container.",
      "services:\n  app:\n    image: app:1.0",
      "Set `read_only: true` and mount tmpfs or volumes where writes are needed."),
    r("compose-devices", C, Medium, "Host devices mapped", "I.2(b)", "5.17",
      "",
      "Reports services with `devices:`.",
      "A host device gives direct access to hardware or kernel interfaces outside the container's isolation.",
      "devices:\n  - /dev/sda:/dev/sda",
      "Remove the mapping or restrict it to the one device needed, read-only (`:r`)."),
    // ---------------------------------------------------------------- Kubernetes
    r("k8s-privileged", K, Critical, "Privileged container", "I.2(b)", "5.2.1",
      "CKV_K8S_16 AVD-KSV-0017 KSV017 privileged-container",
      "Reports containers with `securityContext.privileged: true`.",
      "A privileged container has every capability and host device; it is root on the node.",
      "securityContext:\n  privileged: true",
      "Remove `privileged`; grant single capabilities if truly required."),
    r("k8s-allow-privilege-escalation", K, Medium, "Privilege escalation allowed", "I.2(b)", "5.2.5",
      "CKV_K8S_20 AVD-KSV-0001 KSV001 privilege-escalation-container",
      "Reports containers that do not set `allowPrivilegeEscalation: false`.",
      "Setuid binaries and file capabilities can give a process more privileges than its parent.",
      "containers:\n  - name: app\n    image: app:1.0",
      "Set `securityContext.allowPrivilegeEscalation: false`."),
    r("k8s-runs-as-root", K, Medium, "Container may run as root", "I.2(b)", "5.2.6",
      "CKV_K8S_23 AVD-KSV-0012 KSV012 run-as-non-root",
      "Reports containers where neither the container nor the pod sets `runAsNonRoot: true` or a non-zero runAsUser, or that set runAsUser 0.",
      "Root in a container is root on the node's kernel; an escape or hostPath mount becomes node compromise.",
      "containers:\n  - name: app\n    image: app:1.0",
      "Set `runAsNonRoot: true` and `runAsUser: 10001` in the pod or container securityContext."),
    r("k8s-host-namespace", K, High, "Host network, PID or IPC namespace", "I.2(b)", "5.2.2 5.2.3 5.2.4",
      "CKV_K8S_17 CKV_K8S_18 CKV_K8S_19 AVD-KSV-0008 KSV008 AVD-KSV-0009 KSV009 AVD-KSV-0010 KSV010 host-network host-pid host-ipc",
      "Reports pods with hostNetwork, hostPID or hostIPC set to true.",
      "Host namespaces expose the node's network stack, processes or shared memory to the pod.",
      "spec:\n  hostNetwork: true",
      "Remove the setting; use a Service for network access."),
    r("k8s-added-capabilities", K, High, "Capabilities added", "I.2(b)", "5.2.8 5.2.9",
      "CKV_K8S_25 CKV_K8S_39 AVD-KSV-0022 KSV022 AVD-KSV-0005 KSV005",
      "Reports containers that add capabilities (SYS_ADMIN and ALL are named in the evidence).",
      "Added capabilities widen what a compromised process can do to the node.",
      "capabilities:\n  add: [\"SYS_ADMIN\"]",
      "Remove `capabilities.add`, or keep only a narrow capability that is justified."),
    r("k8s-net-raw-not-dropped", K, Low, "NET_RAW (or ALL) not dropped", "I.2(j)", "5.2.7",
      "CKV_K8S_28 CKV_K8S_37 AVD-KSV-0003 KSV003",
      "Reports containers whose capabilities.drop contains neither ALL nor NET_RAW.",
      "NET_RAW allows packet crafting and spoofing inside the cluster network.",
      "containers:\n  - name: app\n    image: app:1.0",
      "Set `securityContext.capabilities.drop: [\"ALL\"]`."),
    r("k8s-docker-socket", K, Critical, "Container runtime socket mounted", "I.2(b)", "",
      "CKV_K8S_27 AVD-KSV-0006 KSV006 docker-sock",
      "Reports hostPath volumes of docker.sock, containerd.sock or crio.sock.",
      "The runtime socket controls every container on the node: it is node root.",
      "volumes:\n  - name: sock\n    hostPath:\n      path: /var/run/docker.sock",
      "Do not mount the socket; build images with a rootless builder (kaniko, buildah)."),
    r("k8s-sensitive-host-path", K, High, "Sensitive hostPath mounted", "I.2(b)", "",
      "AVD-KSV-0023 KSV023 sensitive-host-mounts",
      "Reports hostPath volumes of /, /etc, /proc, /sys, /boot, /dev, /root, /var/lib/kubelet, /var/lib/docker and similar.",
      "Node system folders leak credentials and, when writable, let the pod change the node.",
      "hostPath:\n  path: /etc",
      "Use ConfigMaps, Secrets, emptyDir or persistent volumes."),
    r("k8s-host-port", K, Medium, "hostPort used", "I.2(j)", "",
      "CKV_K8S_26 AVD-KSV-0024 KSV024 host-port",
      "Reports container ports with a hostPort.",
      "A hostPort publishes the container on the node's address, bypassing Services and NetworkPolicies.",
      "ports:\n  - containerPort: 80\n    hostPort: 80",
      "Remove hostPort and expose the pod through a Service."),
    r("k8s-writable-root-fs", K, Low, "Root filesystem writable", "I.2(b)", "",
      "CKV_K8S_22 AVD-KSV-0014 KSV014 no-read-only-root-fs",
      "Reports containers without `readOnlyRootFilesystem: true`.",
      "A writable root filesystem lets an intruder drop tools and persist.",
      "containers:\n  - name: app\n    image: app:1.0",
      "Set `readOnlyRootFilesystem: true` and mount emptyDir where writes are needed."),
    r("k8s-seccomp-not-runtime-default", K, Medium, "seccomp profile not RuntimeDefault", "I.2(b)", "5.7.2",
      "CKV_K8S_31 AVD-KSV-0030 KSV030",
      "Reports pods and containers with no seccomp profile, or the profile Unconfined.",
      "seccomp blocks the system calls most kernel exploits need.",
      "securityContext:\n  seccompProfile:\n    type: Unconfined",
      "Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod."),
    r("k8s-secret-in-env", K, Low, "Secret passed as environment variable", "I.2(e)", "5.4.1",
      "CKV_K8S_35 env-var-secret",
      "Reports env entries filled from a Secret (secretKeyRef, envFrom secretRef) and literal env values whose name looks like a credential.",
      "Environment variables leak into logs, crash dumps, child processes and `kubectl describe`.",
      "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef: {name: db, key: password}",
      "Mount the Secret as a file (volume) and read it from there."),
    r("k8s-sa-token-automount", K, Low, "Service account token mounted automatically", "I.2(b)", "5.1.6",
      "CKV_K8S_38 AVD-KSV-0036 KSV036",
      "Reports pods that do not set `automountServiceAccountToken: false`.",
      "A stolen token lets an intruder call the Kubernetes API with the pod's rights.",
      "spec:\n  containers: [...]",
      "Set `automountServiceAccountToken: false` unless the pod calls the API."),
    r("k8s-default-service-account", K, Low, "Default service account used", "I.2(b)", "5.1.5",
      "CKV_K8S_41 default-service-account",
      "Reports pods without serviceAccountName, or with `default`.",
      "Permissions granted to the default account are shared by every pod in the namespace.",
      "spec:\n  containers: [...]",
      "Create a dedicated service account per workload."),
    r("k8s-rbac-wildcard", K, High, "Wildcard in RBAC rule", "I.2(b)", "5.1.3",
      "CKV_K8S_49 AVD-KSV-0044 KSV044 AVD-KSV-0045 KSV045 AVD-KSV-0046 KSV046 wildcard-in-rules",
      "Reports Role and ClusterRole rules with `*` in apiGroups, resources or verbs.",
      "Wildcards grant today's and tomorrow's resources and verbs, far beyond least privilege.",
      "rules:\n  - apiGroups: [\"*\"]\n    resources: [\"*\"]\n    verbs: [\"*\"]",
      "List the resources and verbs needed."),
    r("k8s-rbac-secret-read", K, High, "RBAC rule reads Secrets", "I.2(e)", "5.1.2",
      "AVD-KSV-0041 KSV041 access-to-secrets",
      "Reports rules granting get, list or watch on secrets.",
      "Reading Secrets usually yields every credential in the namespace, including service account tokens.",
      "rules:\n  - resources: [\"secrets\"]\n    verbs: [\"get\", \"list\"]",
      "Limit with resourceNames, or mount the needed Secret instead of reading it through the API."),
    r("k8s-cluster-admin-binding", K, Critical, "Binding to cluster-admin", "I.2(b)", "5.1.1",
      "AVD-KSV-0111 KSV111 cluster-admin-role-binding",
      "Reports RoleBindings and ClusterRoleBindings to the cluster-admin ClusterRole.",
      "cluster-admin can do anything on the cluster; its subjects are a single step from full takeover.",
      "roleRef:\n  kind: ClusterRole\n  name: cluster-admin",
      "Bind a role with only the permissions needed."),
    r("k8s-rbac-pod-exec-escalate", K, High, "RBAC allows pod create/exec, escalate, bind or impersonate", "I.2(b)", "5.1.4 5.1.8",
      "CKV_K8S_155 CKV_K8S_156 CKV_K8S_157 AVD-KSV-0048 KSV048 AVD-KSV-0053 KSV053 AVD-KSV-0043 KSV043 access-to-create-pods",
      "Reports rules granting create on pods or workloads, create on pods/exec or pods/attach, or the verbs escalate, bind or impersonate.",
      "Each of these lets the subject gain rights it was not given: run a pod with any service account, enter running pods, or act as another user.",
      "rules:\n  - resources: [\"pods/exec\"]\n    verbs: [\"create\"]",
      "Remove the permission or limit it to a namespace and named resources."),
    r("k8s-no-network-policy", K, Medium, "Namespace has workloads but no NetworkPolicy", "I.2(j)", "5.3.2",
      "",
      "Reports namespaces with workloads in the scanned manifests and no NetworkPolicy in any of them.",
      "Without a NetworkPolicy every pod can reach every other pod, so one compromised pod reaches all.",
      "kind: Deployment\n(no NetworkPolicy for the namespace)",
      "Add a default-deny NetworkPolicy per namespace and allow the flows needed."),
    r("k8s-missing-resources", K, Low, "CPU or memory requests/limits missing", "I.2(h)", "",
      "CKV_K8S_10 CKV_K8S_11 CKV_K8S_12 CKV_K8S_13 AVD-KSV-0011 KSV011 AVD-KSV-0015 KSV015 AVD-KSV-0016 KSV016 AVD-KSV-0018 KSV018 unset-cpu-requirements unset-memory-requirements",
      "Reports containers missing a CPU or memory request or limit.",
      "One container can starve the node and every other workload on it.",
      "containers:\n  - name: app\n    image: app:1.0",
      "Set `resources.requests` and `resources.limits` for cpu and memory."),
    r("k8s-image-latest", K, Medium, "Image `latest` or untagged", "I.2(c)", "",
      "CKV_K8S_14 AVD-KSV-0013 KSV013 latest-tag",
      "Reports container images with no tag or the tag `latest`.",
      "The deployed code changes whenever the tag moves, unreviewed and unreproducible.",
      "image: nginx:latest",
      "Use a version tag, better a digest."),
    r("k8s-image-no-digest", K, Low, "Image not pinned by digest", "I.2(c)", "",
      "CKV_K8S_43",
      "Reports container images without `@sha256:`.",
      "Tags can be moved; only a digest names the reviewed bytes.",
      "image: nginx:1.27",
      "Reference the image by digest: `nginx:1.27@sha256:<digest>`."),
    r("k8s-default-namespace", K, Low, "Object in the default namespace", "I.2(j)", "5.7.4",
      "CKV_K8S_21 AVD-KSV-0110 KSV110",
      "Reports namespaced objects with no namespace or namespace `default`.",
      "The default namespace mixes unrelated workloads, so RBAC and NetworkPolicies cannot separate them.",
      "metadata:\n  name: app",
      "Set `metadata.namespace` to a dedicated namespace."),
    r("k8s-service-management-port", K, High, "Service exposes a management or database port", "I.2(j)", "",
      "",
      "Reports Services of type LoadBalancer or NodePort that expose SSH, the Docker API, databases or admin consoles.",
      "These ports are meant for operators; exposing them outside the cluster invites brute force and exploitation.",
      "kind: Service\nspec:\n  type: LoadBalancer\n  ports:\n    - port: 5432",
      "Use a ClusterIP Service and reach it through a bastion or port-forward."),
    // ---------------------------------------------------------------- Terraform
    r("tf-ssh-rdp-open", T, Critical, "SSH, RDP or all ports open to the internet", "I.2(j)", "",
      "CKV_AWS_24 CKV_AWS_25 CKV_AWS_260 CKV_AZURE_9 CKV_AZURE_10 CKV_GCP_2 CKV_GCP_3 AVD-AWS-0107 AVD-AZU-0047 AVD-GCP-0027",
      "Reports AWS security groups and rules, Azure network security rules and GCP firewalls that allow port 22, 3389 or every port from 0.0.0.0/0, ::/0, `*` or `Internet`.",
      "Internet-wide SSH and RDP are brute-forced within minutes; all ports open exposes every service on the host.",
      "ingress {\n  from_port   = 22\n  to_port     = 22\n  protocol    = \"tcp\"\n  cidr_blocks = [\"0.0.0.0/0\"]\n}",
      "Allow the port only from known ranges, or use a bastion / SSM / IAP."),
    r("tf-public-storage", T, Critical, "Object storage publicly readable", "I.2(d)", "",
      "CKV_AWS_20 CKV_AWS_53 CKV_AWS_54 CKV_AWS_55 CKV_AWS_56 CKV_AZURE_34 CKV_AZURE_190 CKV_GCP_28 AVD-AWS-0092 AVD-AZU-0007 AVD-GCP-0001",
      "Reports S3 buckets with a public ACL or a public access block that is turned off, Azure containers with blob/container access and storage accounts that allow public blobs, and GCS buckets granted to allUsers or allAuthenticatedUsers.",
      "Public buckets are the most common source of cloud data breaches.",
      "resource \"aws_s3_bucket_acl\" \"a\" {\n  acl = \"public-read\"\n}",
      "Keep buckets private; serve public content through a CDN with origin access control."),
    r("tf-storage-unencrypted", T, High, "Storage or database not encrypted at rest", "I.2(e)", "",
      "CKV_AWS_16 CKV_AWS_96 CKV_AWS_3 CKV_AWS_8 CKV_AWS_17 CKV_AZURE_2 CKV_GCP_37 AVD-AWS-0080 AVD-AWS-0026 AVD-AWS-0131",
      "Reports RDS instances and clusters without storage_encrypted, EBS volumes, launch configurations and instance block devices without encrypted, Azure managed disks with encryption disabled and DynamoDB/ElastiCache/Redshift without encryption.",
      "Unencrypted disks and snapshots expose data to anyone who gets hold of a copy.",
      "resource \"aws_db_instance\" \"db\" {\n  storage_encrypted = false\n}",
      "Enable encryption at rest, preferably with a customer-managed key."),
    r("tf-database-public", T, Critical, "Database reachable from the internet", "I.2(j)", "",
      "CKV_AWS_17 CKV_AZURE_113 CKV_AZURE_68 CKV_GCP_11 AVD-AWS-0082 AVD-AZU-0022 AVD-GCP-0017",
      "Reports RDS instances with publicly_accessible, Azure SQL/PostgreSQL/MySQL servers with public network access and 0.0.0.0 firewall rules, and Cloud SQL instances authorised for 0.0.0.0/0.",
      "A database on the internet is brute-forced and exploited directly.",
      "resource \"aws_db_instance\" \"db\" {\n  publicly_accessible = true\n}",
      "Keep databases on private subnets; connect through private endpoints."),
    r("tf-imdsv1", T, High, "EC2 instance metadata v1 allowed", "I.2(b)", "",
      "CKV_AWS_79 AVD-AWS-0028",
      "Reports aws_instance and aws_launch_template without `metadata_options { http_tokens = \"required\" }`.",
      "IMDSv1 answers any request that reaches it, so an SSRF in the application yields the instance's cloud credentials.",
      "resource \"aws_instance\" \"web\" {\n  ami = \"ami-123\"\n}",
      "Add `metadata_options { http_tokens = \"required\" }`."),
    r("tf-iam-wildcard", T, High, "IAM policy grants wildcard actions", "I.2(b)", "",
      "CKV_AWS_1 CKV_AWS_62 CKV_AWS_63 CKV_AWS_355 CKV_AZURE_39 CKV_GCP_49 AVD-AWS-0057",
      "Reports AWS IAM policy documents that Allow Action `*` (or `service:*` on Resource `*`), Azure role definitions with actions `*` and GCP bindings of roles/owner or roles/editor.",
      "Wildcard permissions make any compromise of the principal a compromise of the account.",
      "Statement = [{ Effect = \"Allow\", Action = \"*\", Resource = \"*\" }]",
      "Grant the actions and resources needed; use IAM Access Analyzer to generate policies."),
    r("tf-hardcoded-secret", T, Critical, "Credential hard-coded in Terraform", "I.2(e)", "",
      "CKV_AWS_41 CKV_AWS_46 CKV_AZURE_41 AVD-AWS-0029",
      "Reports literal credentials in provider blocks (access_key, secret_key, client_secret, password, token), in password-like resource arguments and in instance user data.",
      "Terraform files are committed and shared; a literal credential is readable by everyone with the repository.",
      "provider \"aws\" {\n  secret_key = \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"\n}",
      "Use environment variables, a secrets manager data source or variables marked sensitive and supplied at apply time."),
    r("tf-audit-logging-disabled", T, Medium, "Audit or access logging disabled", "I.2(k)", "",
      "CKV_AWS_18 CKV_AWS_67 CKV_AWS_37 CKV_GCP_1 CKV_AZURE_4 AVD-AWS-0089 AVD-AWS-0014 AVD-AWS-0038",
      "Reports CloudTrail trails with logging off or single-region, S3 buckets without access logging, EKS clusters without control-plane logs, GKE clusters with logging_service none and AKS clusters without a monitoring agent.",
      "Without logs incidents cannot be detected, investigated or reported as Article 14 requires.",
      "resource \"aws_cloudtrail\" \"t\" {\n  enable_logging = false\n}",
      "Turn logging on and send it to a protected, retained location."),
    r("tf-k8s-public-endpoint", T, High, "Managed Kubernetes API endpoint public", "I.2(j)", "",
      "CKV_AWS_38 CKV_AWS_39 CKV_AZURE_6 CKV_AZURE_115 CKV_GCP_18 CKV_GCP_25 AVD-AWS-0040 AVD-AWS-0041 AVD-AZU-0041 AVD-GCP-0053",
      "Reports EKS clusters with a public endpoint open to 0.0.0.0/0, AKS clusters neither private nor restricted to authorised IP ranges, and GKE clusters without master authorised networks.",
      "An internet-facing API server is attacked directly with stolen or weak credentials and API exploits.",
      "vpc_config {\n  endpoint_public_access = true\n}",
      "Make the endpoint private, or restrict it to known CIDRs."),
    r("tf-weak-tls", T, High, "TLS below 1.2 allowed", "I.2(d)", "",
      "CKV_AWS_103 CKV_AWS_174 CKV_AZURE_44 CKV_AZURE_52 CKV_AZURE_154 CKV_GCP_6 AVD-AWS-0047 AVD-AZU-0011 AVD-GCP-0039",
      "Reports load balancer listeners with pre-TLS-1.2 SSL policies, CloudFront minimum protocol versions below TLSv1.2, Azure storage accounts, web apps and SQL servers with minimum TLS below 1.2, and GCP SSL policies with min_tls_version below TLS_1_2.",
      "TLS 1.0 and 1.1 have known weaknesses and are deprecated (RFC 8996).",
      "resource \"azurerm_storage_account\" \"s\" {\n  min_tls_version = \"TLS1_0\"\n}",
      "Require TLS 1.2 or later."),
];
