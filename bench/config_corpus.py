"""A deterministic corpus of realistic configuration for bench/config.py: per project a Dockerfile,
a compose file, Kubernetes manifests and a Terraform module (AWS, Azure or GCP), each built from
the shapes real projects use, with every security-relevant setting switched on or off at random
(fixed seed), so every rule and its peers' checks meet both the insecure and the secure form.

    python3 bench/config_corpus.py OUT_DIR [--projects N]
"""
import json
import os
import random
import sys

# ----------------------------------------------------------------------------------- Dockerfile

BASES = {
    "node": ["node:20.12-bookworm-slim", "node:18-alpine", "node:latest", "node", "node:22.4.1-alpine3.20"],
    "python": ["python:3.12-slim", "python:3.11-slim-bookworm", "python:latest", "python:3.12-alpine"],
    "go": ["golang:1.22-alpine", "golang:1.22", "golang"],
    "java": ["eclipse-temurin:21-jre", "eclipse-temurin:17-jdk-jammy", "openjdk:latest"],
    "ruby": ["ruby:3.3-slim", "ruby:3.2-alpine", "ruby"],
    "nginx": ["nginx:1.27-alpine", "nginx:latest", "nginx"],
    "debian": ["debian:bookworm-slim", "ubuntu:24.04", "ubuntu:latest", "ubuntu"],
    "alpine": ["alpine:3.20", "alpine:latest", "alpine"],
    "php": ["php:8.3-apache", "php:8.2-fpm-alpine", "php"],
}
DIGEST = "@sha256:" + "4f" * 32
SECRET_VALUES = ["s3cr3t-Value-0001", "AKIAEXAMPLEEXAMPLE00", "hunter2-prod-pw", "ghp_exampleexampleexample0000"]


def pick(r, p):
    return r.random() < p


def apt_line(r, pkgs):
    pin = pick(r, 0.3)
    rec = pick(r, 0.5)
    names = " ".join(f"{p}={v}" if pin else p for p, v in pkgs)
    flags = "-y --no-install-recommends" if rec else "-y"
    if pick(r, 0.05):
        flags += " --allow-unauthenticated"
    if pick(r, 0.05):
        flags += " --force-yes"
    if pick(r, 0.25):
        # apt-get update in its own layer
        return [f"RUN apt-get update", f"RUN apt-get install {flags} {names} \\\n    && rm -rf /var/lib/apt/lists/*"]
    return [f"RUN apt-get update \\\n    # install the runtime tools\n    && apt-get install {flags} \\\n        {names} \\\n    && rm -rf /var/lib/apt/lists/*"]


def apk_line(r, pkgs):
    pin = pick(r, 0.35)
    names = " ".join(f"{p}={v}" if pin else p for p, v in pkgs)
    cache = "--no-cache " if pick(r, 0.55) else ""
    untrusted = "--allow-untrusted " if pick(r, 0.05) else ""
    if pick(r, 0.15):
        return [f"RUN apk update", f"RUN apk add {cache}{untrusted}{names}"]
    return [f"RUN apk add {cache}{untrusted}{names}"]


APT_PKGS = [("curl", "7.88.1-10+deb12u5"), ("ca-certificates", "20230311"), ("git", "1:2.39.2-1.1"),
            ("libpq5", "15.6-0+deb12u1"), ("tini", "0.19.0-1"), ("gnupg", "2.2.40-1.1")]
APK_PKGS = [("curl", "8.9.0-r0"), ("ca-certificates", "20240705-r0"), ("tini", "0.19.0-r3"),
            ("git", "2.45.2-r0"), ("libpq", "16.3-r0")]


def dockerfile(r):
    lang = r.choice(list(BASES))
    base = r.choice(BASES[lang])
    alpine = "alpine" in base or base.startswith("alpine")
    lines = ["# syntax=docker/dockerfile:1"]
    if pick(r, 0.1):
        lines.append("MAINTAINER platform-team@example.com")
    multistage = lang in ("go", "java", "node") and pick(r, 0.6)
    arg_tag = pick(r, 0.2) and ":" in base
    if arg_tag:
        name, tag = base.split(":", 1)
        lines.append(f"ARG BASE_TAG={tag}")
        base_ref = f"{name}:${{BASE_TAG}}"
    else:
        base_ref = base
    if pick(r, 0.15):
        base_ref += DIGEST
    final_user = None
    if multistage:
        lines.append(f"FROM {base_ref} AS build")
        lines.append("WORKDIR /src")
        if lang == "go":
            lines += ["COPY go.mod go.sum ./", "RUN go mod download", "COPY . .",
                      "RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app"]
        elif lang == "java":
            lines += ["COPY . .", "RUN ./mvnw -B package -DskipTests"]
        else:
            lines += ["COPY package.json package-lock.json ./", "RUN npm ci", "COPY . .", "RUN npm run build"]
        if pick(r, 0.2):
            lines.append("USER builder")
        runtime = r.choice(["gcr.io/distroless/static-debian12:nonroot", "alpine:3.20", "debian:bookworm-slim",
                            "eclipse-temurin:21-jre" if lang == "java" else "node:20-slim", "scratch"])
        lines.append("")
        lines.append(f"FROM {runtime}{DIGEST if pick(r, 0.2) else ''}")
        alpine = runtime.startswith("alpine")
        lines.append("COPY --from=build /out/app /usr/local/bin/app" if lang == "go"
                     else "COPY --from=build /src/dist /app")
        if runtime == "scratch" or "distroless" in runtime:
            if pick(r, 0.5):
                lines.append("USER 65532:65532")
            lines.append('ENTRYPOINT ["/usr/local/bin/app"]')
            return "\n".join(lines) + "\n"
    else:
        lines.append(f"FROM {base_ref}")
    if pick(r, 0.15):
        lines.append('SHELL ["/bin/bash", "-o", "pipefail", "-c"]' if not alpine else 'SHELL ["/bin/ash", "-eo", "pipefail", "-c"]')
    if lang in ("debian", "python", "node", "ruby", "php", "java") and not alpine:
        lines += apt_line(r, r.sample(APT_PKGS, r.randint(1, 3)))
    else:
        lines += apk_line(r, r.sample(APK_PKGS, r.randint(1, 3)))
    if pick(r, 0.12):
        lines.append("RUN curl -fsSL https://get.example.com/install.sh | bash")
    if pick(r, 0.08):
        lines.append("RUN wget -qO- https://example.com/setup | sh -s -- --yes")
    if pick(r, 0.08):
        lines.append("RUN curl -k -o /tmp/tool.tgz https://downloads.example.com/tool.tgz && tar -xzf /tmp/tool.tgz -C /opt")
    if pick(r, 0.05):
        lines.append("RUN wget --no-check-certificate https://downloads.example.com/cert-bundle.pem -O /etc/ssl/bundle.pem")
    if pick(r, 0.06):
        lines.append("RUN sudo mkdir -p /opt/app")
    if pick(r, 0.05):
        lines.append("RUN echo 'app:changeme' | chpasswd")
    if lang == "python":
        if pick(r, 0.5):
            lines += ["COPY requirements.txt .", "RUN pip install --no-cache-dir -r requirements.txt"]
        if pick(r, 0.35):
            lines.append("RUN pip install gunicorn" if pick(r, 0.6) else "RUN pip install gunicorn==22.0.0")
        if pick(r, 0.06):
            lines.append("RUN pip install --trusted-host pypi.internal.example.com -i http://pypi.internal.example.com/simple uvicorn==0.30.1")
        if pick(r, 0.05):
            lines.append("ENV PYTHONHTTPSVERIFY=0")
    if lang == "node":
        if pick(r, 0.3):
            lines.append("RUN npm install -g pm2" if pick(r, 0.6) else "RUN npm install -g pm2@5.4.2")
        if pick(r, 0.05):
            lines.append("RUN npm config set strict-ssl false")
        if pick(r, 0.05):
            lines.append("ENV NODE_TLS_REJECT_UNAUTHORIZED=0")
    if lang == "ruby" and pick(r, 0.4):
        lines.append("RUN gem install bundler" if pick(r, 0.6) else "RUN gem install bundler -v 2.5.16")
    if pick(r, 0.04):
        lines.append("ENV GIT_SSL_NO_VERIFY=true")
    if pick(r, 0.15):
        lines.append(f"ENV APP_ENV=production \\\n    API_TOKEN={r.choice(SECRET_VALUES)}")
    if pick(r, 0.1):
        lines.append("ARG NPM_TOKEN")
    if pick(r, 0.1):
        lines.append(f"ENV DB_PASSWORD={r.choice(SECRET_VALUES)}")
    wd = "app" if pick(r, 0.08) else "/app"
    lines.append(f"WORKDIR {wd}")
    if pick(r, 0.08):
        lines.append("COPY .env /app/.env")
    if pick(r, 0.05):
        lines.append("COPY id_rsa /root/.ssh/id_rsa")
    if pick(r, 0.1):
        lines.append("ADD https://github.com/example/tool/releases/download/v1.2.0/tool-linux-amd64.tar.gz /opt/")
    elif pick(r, 0.1):
        lines.append("ADD vendor.tar.gz /opt/vendor/")
    elif pick(r, 0.1):
        lines.append("ADD config/ /etc/app/")
    if not multistage:
        lines.append("COPY . /app")
    if pick(r, 0.15):
        lines.append("RUN <<EOF\nset -eux\nmkdir -p /var/cache/app\nchmod 0750 /var/cache/app\nEOF")
    ports = r.choice(["8080", "3000", "80 443", "8080 22", "5000"])
    lines.append(f"EXPOSE {ports}")
    if pick(r, 0.45):
        lines.append("HEALTHCHECK --interval=30s --timeout=3s CMD wget -qO- http://localhost:8080/health || exit 1")
    u = r.random()
    if u < 0.35:
        if alpine:
            lines.append("RUN addgroup -S app && adduser -S -G app app")
        else:
            lines.append("RUN groupadd -r app && useradd -r -g app app")
        lines.append("USER app")
    elif u < 0.45:
        lines.append("USER 10001")
    elif u < 0.52:
        lines.append("USER root")
    elif u < 0.56:
        lines += ["USER app", "RUN chown -R app /app", "USER 0"]
    cmd = {"node": '["node", "server.js"]', "python": '["gunicorn", "app:app"]', "go": '["/usr/local/bin/app"]',
           "java": '["java", "-jar", "/app/app.jar"]', "ruby": '["bundle", "exec", "puma"]',
           "nginx": '["nginx", "-g", "daemon off;"]', "php": '["apache2-foreground"]'}.get(lang, '["/bin/sh"]')
    if pick(r, 0.06):
        lines.append('CMD ["echo", "starting"]')
    lines.append(f"CMD {cmd}")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------- compose

STACK = [
    ("db", "postgres:16", 5432, {"POSTGRES_USER": "app", "POSTGRES_PASSWORD": ["postgres", "example", "${POSTGRES_PASSWORD}", "Zq8-vR2!mT5x@Lp9", None]}),
    ("mysql", "mysql:8.4", 3306, {"MYSQL_ROOT_PASSWORD": ["root", "my-secret-pw", "${MYSQL_ROOT_PASSWORD:?set it}", "Xk2#pQ9vL7mW4zR1"]}),
    ("mariadb", "mariadb:11", 3306, {"MARIADB_ROOT_PASSWORD": ["example", "${DB_ROOT_PW}", "u8Yt!3kQz9Lm2Vx7"]}),
    ("mongo", "mongo:7", 27017, {"MONGO_INITDB_ROOT_USERNAME": "root", "MONGO_INITDB_ROOT_PASSWORD": ["example", "${MONGO_PW}", None]}),
    ("cache", "redis:7-alpine", 6379, {}),
    ("mq", "rabbitmq:3.13-management", 15672, {"RABBITMQ_DEFAULT_USER": "app", "RABBITMQ_DEFAULT_PASS": ["guest", "${RABBIT_PW}", None]}),
    ("minio", "minio/minio:RELEASE.2024-06-13T22-53-53Z", 9001, {"MINIO_ROOT_USER": "minio", "MINIO_ROOT_PASSWORD": ["minioadmin", "minio123", "${MINIO_PW}", None]}),
    ("grafana", "grafana/grafana:11.1.0", 3000, {"GF_SECURITY_ADMIN_PASSWORD": ["admin", "${GRAFANA_PW}", None]}),
    ("search", "docker.elastic.co/elasticsearch/elasticsearch:8.14.1", 9200, {"discovery.type": "single-node", "ELASTIC_PASSWORD": ["changeme", "${ELASTIC_PW}"]}),
    ("kibana", "docker.elastic.co/kibana/kibana:8.14.1", 5601, {"ELASTICSEARCH_PASSWORD": ["changeme", "${KIBANA_PW}"]}),
    ("keycloak", "quay.io/keycloak/keycloak:25.0", 8080, {"KEYCLOAK_ADMIN": "admin", "KEYCLOAK_ADMIN_PASSWORD": ["admin", "${KC_PW}"]}),
    ("jenkins", "jenkins/jenkins:lts-jdk17", 8080, {}),
    ("pgadmin", "dpage/pgadmin4:8", 5050, {"PGADMIN_DEFAULT_EMAIL": "admin@example.com", "PGADMIN_DEFAULT_PASSWORD": ["admin", "${PGADMIN_PW}"]}),
    ("wordpress", "wordpress:6.5-apache", 80, {"WORDPRESS_DB_HOST": "db", "WORDPRESS_DB_PASSWORD": ["wordpress", "examplepass", "${WP_DB_PW}"]}),
    ("proxy", "traefik:v3.1", 80, {}),
    ("prometheus", "prom/prometheus:v2.53.0", 9090, {}),
]


def yaml_scalar(v):
    if v is None or v == "":
        return '""'
    s = str(v)
    if any(c in s for c in ":#{}[],&*!|>'\"%@`") or s.lower() in ("yes", "no", "true", "false", "on", "off") or s[0] in "-?":
        return json.dumps(s)
    return s


def compose(r):
    out = []
    version = r.choice(['version: "3.8"', 'version: "2.4"', 'version: "3"', None, None])
    if version:
        out.append(version)
    anchors = pick(r, 0.3)
    if anchors:
        out += ["x-hardening: &hardening", "  read_only: true", "  cap_drop: [ALL]",
                "  security_opt:", "    - no-new-privileges:true", "  mem_limit: 512m", "  cpus: 0.5", "  pids_limit: 200", ""]
    out.append("services:")
    app_port = r.choice(["8080:8080", "127.0.0.1:8080:8080", "80:8080", "0.0.0.0:443:8443"])
    out += ["  app:", "    build: .", "    ports:", f'      - "{app_port}"', "    depends_on: [db]" if pick(r, 0.5) else "    restart: unless-stopped"]
    if anchors:
        out.insert(len(out) - 4, "    <<: *hardening")
    services = r.sample(STACK, r.randint(1, 5))
    for name, image, port, env in services:
        out.append(f"  {name}:")
        if anchors and pick(r, 0.5):
            out.append("    <<: *hardening")
        out.append(f"    image: {image}")
        if pick(r, 0.08):
            out.append("    privileged: true")
        if name == "proxy" or pick(r, 0.05):
            out += ["    volumes:", "      - /var/run/docker.sock:/var/run/docker.sock:ro"]
        elif pick(r, 0.06):
            out += ["    volumes:", "      - /etc:/host/etc:ro"]
        elif pick(r, 0.5):
            out += ["    volumes:", f"      - {name}-data:/data"]
        if pick(r, 0.05):
            out.append("    network_mode: host")
        if pick(r, 0.03):
            out.append("    pid: host")
        if pick(r, 0.08):
            out += ["    cap_add:", "      - " + r.choice(["NET_ADMIN", "SYS_ADMIN", "ALL", "NET_BIND_SERVICE"])]
        if pick(r, 0.2):
            out += ["    cap_drop:", "      - ALL"]
        so = []
        if pick(r, 0.25):
            so.append("no-new-privileges:true")
        if pick(r, 0.04):
            so.append("seccomp:unconfined")
        if pick(r, 0.03):
            so.append("apparmor=unconfined")
        if so:
            out.append("    security_opt:")
            out += [f"      - {o}" for o in so]
        if pick(r, 0.2):
            out.append("    read_only: true")
        lim = r.random()
        if lim < 0.2:
            out += ["    deploy:", "      resources:", "        limits:", "          cpus: '0.50'", "          memory: 256M", "          pids: 100"]
        elif lim < 0.35:
            out += ["    mem_limit: 1g"]
        if pick(r, 0.04):
            out += ["    devices:", "      - /dev/fuse:/dev/fuse"]
        ps = r.random()
        if ps < 0.45:
            out += ["    ports:", f'      - "{port}:{port}"']
        elif ps < 0.6:
            out += ["    ports:", f'      - "127.0.0.1:{port}:{port}"']
        elif ps < 0.68:
            out += ["    ports:", "      - target: %d" % port, "        published: %d" % port, "        protocol: tcp"]
        if name == "cache" and pick(r, 0.4):
            out.append('    command: ["redis-server", "--requirepass", "${REDIS_PASSWORD}"]')
        items = []
        for k, v in env.items():
            if isinstance(v, list):
                v = r.choice(v)
                if v is None:
                    continue
            items.append((k, v))
        if items:
            if pick(r, 0.5):
                out.append("    environment:")
                out += [f"      {k}: {yaml_scalar(v)}" for k, v in items]
            else:
                out.append("    environment:")
                out += [f'      - "{k}={v}"' for k, v in items]
    volumes = [f"{n}-data" for n, *_ in services]
    out.append("volumes:")
    out += [f"  {v}:" for v in volumes]
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------------- Kubernetes

IMAGES = ["nginx:1.27", "nginx:latest", "nginx", "ghcr.io/example/api:2.3.1", "registry.example.com/shop/web:1.4.2" + DIGEST,
          "redis:7.2", "busybox", "ghcr.io/example/worker:latest", "postgres:16.3" + DIGEST]


def container(r, name, indent):
    p = " " * indent
    lines = [f"{p}- name: {name}", f"{p}  image: {r.choice(IMAGES)}"]
    if pick(r, 0.3):
        lines.append(f"{p}  imagePullPolicy: Always")
    if pick(r, 0.6):
        lines += [f"{p}  ports:", f"{p}    - containerPort: 8080"]
        if pick(r, 0.08):
            lines.append(f"{p}      hostPort: 8080")
    env = []
    if pick(r, 0.3):
        env += [f"{p}    - name: DB_PASSWORD", f"{p}      valueFrom:", f"{p}        secretKeyRef:", f"{p}          name: db", f"{p}          key: password"]
    if pick(r, 0.1):
        env += [f"{p}    - name: API_TOKEN", f"{p}      value: {r.choice(SECRET_VALUES)}"]
    if pick(r, 0.3):
        env += [f"{p}    - name: LOG_LEVEL", f"{p}      value: info"]
    if env:
        lines.append(f"{p}  env:")
        lines += env
    if pick(r, 0.1):
        lines += [f"{p}  envFrom:", f"{p}    - secretRef:", f"{p}        name: app-secrets"]
    res = r.random()
    if res < 0.4:
        lines += [f"{p}  resources:", f"{p}    requests:", f"{p}      cpu: 100m", f"{p}      memory: 128Mi",
                  f"{p}    limits:", f"{p}      cpu: 500m", f"{p}      memory: 256Mi"]
    elif res < 0.6:
        lines += [f"{p}  resources:", f"{p}    requests:", f"{p}      cpu: 100m", f"{p}      memory: 128Mi"]
    elif res < 0.7:
        lines += [f"{p}  resources:", f"{p}    limits:", f"{p}      memory: 256Mi"]
    sc = []
    if pick(r, 0.07):
        sc.append("privileged: true")
    ape = r.random()
    if ape < 0.45:
        sc.append("allowPrivilegeEscalation: false")
    elif ape < 0.55:
        sc.append("allowPrivilegeEscalation: true")
    ru = r.random()
    if ru < 0.3:
        sc.append("runAsNonRoot: true")
    elif ru < 0.45:
        sc.append("runAsUser: 10001")
    elif ru < 0.5:
        sc.append("runAsUser: 0")
    if pick(r, 0.4):
        sc.append("readOnlyRootFilesystem: true")
    caps = []
    dr = r.random()
    if dr < 0.4:
        caps.append('drop: ["ALL"]')
    elif dr < 0.5:
        caps.append("drop: [NET_RAW]")
    if pick(r, 0.12):
        caps.append("add: [" + r.choice(["NET_ADMIN", "SYS_ADMIN", "NET_BIND_SERVICE", "SYS_TIME"]) + "]")
    if caps:
        sc.append("capabilities:")
        sc += ["  " + c for c in caps]
    sp = r.random()
    if sp < 0.25:
        sc += ["seccompProfile:", "  type: RuntimeDefault"]
    elif sp < 0.3:
        sc += ["seccompProfile:", "  type: Unconfined"]
    if sc:
        lines.append(f"{p}  securityContext:")
        lines += [f"{p}    {s}" for s in sc]
    return lines


def pod_spec(r, indent, app):
    p = " " * indent
    lines = []
    if pick(r, 0.5):
        lines.append(f"{p}serviceAccountName: {app}")
    elif pick(r, 0.1):
        lines.append(f"{p}serviceAccountName: default")
    if pick(r, 0.35):
        lines.append(f"{p}automountServiceAccountToken: false")
    for k in ("hostNetwork", "hostPID", "hostIPC"):
        if pick(r, 0.04):
            lines.append(f"{p}{k}: true")
    psc = []
    if pick(r, 0.3):
        psc.append("runAsNonRoot: true")
    if pick(r, 0.2):
        psc += ["seccompProfile:", "  type: RuntimeDefault"]
    if pick(r, 0.2):
        psc += ["runAsUser: 10001", "fsGroup: 10001"]
    if psc:
        lines.append(f"{p}securityContext:")
        lines += [f"{p}  {s}" for s in psc]
    lines.append(f"{p}containers:")
    lines += container(r, app, indent + 2)
    if pick(r, 0.15):
        lines += container(r, "sidecar", indent + 2)
    vols = []
    hp = r.random()
    if hp < 0.05:
        vols += [f"{p}  - name: sock", f"{p}    hostPath:", f"{p}      path: /var/run/docker.sock"]
    elif hp < 0.1:
        vols += [f"{p}  - name: host-etc", f"{p}    hostPath:", f"{p}      path: /etc"]
    elif hp < 0.15:
        vols += [f"{p}  - name: data", f"{p}    hostPath:", f"{p}      path: /srv/data"]
    if pick(r, 0.3):
        vols += [f"{p}  - name: tmp", f"{p}    emptyDir: {{}}"]
    if vols:
        lines.append(f"{p}volumes:")
        lines += vols
    return lines


def workload(r, kind, app, ns):
    meta = ["metadata:", f"  name: {app}"]
    if ns:
        meta.append(f"  namespace: {ns}")
    meta += ["  labels:", f"    app: {app}"]
    head = ["apiVersion: " + {"Pod": "v1", "CronJob": "batch/v1", "Job": "batch/v1"}.get(kind, "apps/v1"), f"kind: {kind}"] + meta
    if kind == "Pod":
        return head + ["spec:"] + pod_spec(r, 2, app)
    tmpl = ["  template:", "    metadata:", "      labels:", f"        app: {app}", "    spec:"]
    if kind == "CronJob":
        return head + ["spec:", '  schedule: "*/15 * * * *"', "  jobTemplate:", "    spec:",
                       "      template:", "        spec:", "          restartPolicy: OnFailure"] + pod_spec(r, 10, app)
    if kind == "Job":
        return head + ["spec:", "  backoffLimit: 2", "  template:", "    spec:", "      restartPolicy: Never"] + pod_spec(r, 6, app)
    sel = ["  selector:", "    matchLabels:", f"      app: {app}"]
    extra = ["  replicas: 2"] if kind in ("Deployment", "StatefulSet", "ReplicaSet") else []
    if kind == "StatefulSet":
        extra.append(f"  serviceName: {app}")
    return head + ["spec:"] + extra + sel + tmpl + pod_spec(r, 6, app)


def service(r, app, ns):
    ty = r.choice(["ClusterIP", "ClusterIP", "LoadBalancer", "NodePort"])
    port = r.choice([80, 443, 8080, 5432, 6379, 22, 9200])
    lines = ["apiVersion: v1", "kind: Service", "metadata:", f"  name: {app}"]
    if ns:
        lines.append(f"  namespace: {ns}")
    lines += ["spec:", f"  type: {ty}", "  selector:", f"    app: {app}", "  ports:", f"    - port: {port}", f"      targetPort: {port}"]
    return lines


RBAC_RULES = [
    ('[""]', '["pods", "services"]', '["get", "list", "watch"]'),
    ('[""]', '["secrets"]', '["get", "list"]'),
    ('["*"]', '["*"]', '["*"]'),
    ('["apps"]', '["deployments"]', '["get", "list", "create", "update"]'),
    ('[""]', '["pods/exec"]', '["create"]'),
    ('["rbac.authorization.k8s.io"]', '["clusterroles"]', '["bind", "escalate"]'),
    ('[""]', '["users", "groups", "serviceaccounts"]', '["impersonate"]'),
    ('[""]', '["configmaps"]', '["get"]'),
]


def rbac(r, app, ns):
    cluster = pick(r, 0.4)
    kind = "ClusterRole" if cluster else "Role"
    lines = ["apiVersion: rbac.authorization.k8s.io/v1", f"kind: {kind}", "metadata:", f"  name: {app}"]
    if not cluster and ns:
        lines.append(f"  namespace: {ns}")
    lines.append("rules:")
    for g, res, verbs in r.sample(RBAC_RULES, r.randint(1, 3)):
        lines += [f"  - apiGroups: {g}", f"    resources: {res}", f"    verbs: {verbs}"]
    lines.append("---")
    bkind = "ClusterRoleBinding" if cluster else "RoleBinding"
    role = "cluster-admin" if pick(r, 0.1) else app
    lines += ["apiVersion: rbac.authorization.k8s.io/v1", f"kind: {bkind}", "metadata:", f"  name: {app}"]
    if not cluster and ns:
        lines.append(f"  namespace: {ns}")
    lines += ["subjects:", "  - kind: ServiceAccount", f"    name: {app}", f"    namespace: {ns or 'default'}",
              "roleRef:", "  apiGroup: rbac.authorization.k8s.io", f"  kind: {'ClusterRole' if cluster or role == 'cluster-admin' else 'Role'}", f"  name: {role}"]
    return lines


def netpol(ns):
    return ["apiVersion: networking.k8s.io/v1", "kind: NetworkPolicy", "metadata:", "  name: default-deny",
            f"  namespace: {ns}", "spec:", "  podSelector: {}", "  policyTypes: [Ingress, Egress]"]


def kubernetes(r, project):
    ns = None if pick(r, 0.15) else ("default" if pick(r, 0.1) else project)
    files = {}
    docs = []
    kinds = r.sample(["Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job", "Pod", "ReplicaSet"], r.randint(1, 3))
    for i, kind in enumerate(kinds):
        app = f"{project}-{kind.lower()}"
        docs.append(workload(r, kind, app, ns))
        if kind in ("Deployment", "StatefulSet") and pick(r, 0.7):
            docs.append(service(r, app, ns))
    split = pick(r, 0.5)
    if split:
        for i, d in enumerate(docs):
            files[f"k8s/{i:02d}.yaml"] = "\n".join(d) + "\n"
    else:
        files["k8s/manifests.yaml"] = "---\n" + "\n---\n".join("\n".join(d) for d in docs) + "\n"
    if pick(r, 0.5):
        files["k8s/rbac.yaml"] = "\n".join(rbac(r, project, ns)) + "\n"
    if ns and ns != "default" and pick(r, 0.4):
        files["k8s/networkpolicy.yaml"] = "\n".join(netpol(ns)) + "\n"
    return files


# ----------------------------------------------------------------------------------- Terraform

def tf_aws(r, project):
    v = ['variable "region" {', '  default = "eu-central-1"', "}", "",
         'variable "admin_cidr" {', f'  default = "{r.choice(["0.0.0.0/0", "10.0.0.0/8", "203.0.113.0/24"])}"', "}", "",
         "locals {", f'  name      = "{project}"', f"  encrypted = {r.choice(['true', 'false'])}", "}"]
    m = []
    prov = ['provider "aws" {', "  region = var.region"]
    if pick(r, 0.08):
        prov += ['  access_key = "AKIAIOSFODNN7EXAMPLE"', '  secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"']
    prov.append("}")
    m += prov + [""]
    m += ['resource "aws_vpc" "main" {', '  cidr_block = "10.0.0.0/16"', "}", ""]
    if pick(r, 0.4):
        m += ['resource "aws_flow_log" "main" {', "  vpc_id       = aws_vpc.main.id", '  traffic_type = "ALL"',
              "  log_destination = aws_cloudwatch_log_group.flow.arn", "}", ""]
    m += ['resource "aws_subnet" "public" {', "  vpc_id     = aws_vpc.main.id", '  cidr_block = "10.0.1.0/24"']
    if pick(r, 0.4):
        m.append("  map_public_ip_on_launch = true")
    m += ["}", ""]
    m += ['resource "aws_security_group" "web" {', '  name   = "${local.name}-web"', "  vpc_id = aws_vpc.main.id", ""]
    for port in r.sample([443, 80, 22, 3389, 5432, 3306, 6379, 0], r.randint(1, 3)):
        cidr = r.choice(['["0.0.0.0/0"]', "[var.admin_cidr]", '["10.0.0.0/16"]'])
        proto = '"-1"' if port == 0 else '"tcp"'
        to = 0 if port == 0 else port
        m += ["  ingress {", f"    from_port   = {port}", f"    to_port     = {to}", f"    protocol    = {proto}", f"    cidr_blocks = {cidr}", "  }", ""]
    m += ["  egress {", "    from_port   = 0", "    to_port     = 0", '    protocol    = "-1"', '    cidr_blocks = ["0.0.0.0/0"]', "  }", "}", ""]
    if pick(r, 0.4):
        m += ['resource "aws_security_group_rule" "ssh" {', '  type              = "ingress"', "  from_port         = 22", "  to_port           = 22",
              '  protocol          = "tcp"', "  cidr_blocks       = [var.admin_cidr]", "  security_group_id = aws_security_group.web.id", "}", ""]
    m += ['resource "aws_s3_bucket" "assets" {', '  bucket = "${local.name}-assets"']
    if pick(r, 0.3):
        m += ["  logging {", "    target_bucket = aws_s3_bucket.logs.id", "  }"]
    m += ["}", ""]
    acl = r.choice(["private", "private", "public-read", "public-read-write"])
    m += ['resource "aws_s3_bucket_acl" "assets" {', "  bucket = aws_s3_bucket.assets.id", f'  acl    = "{acl}"', "}", ""]
    if pick(r, 0.6):
        flag = r.choice(["true", "true", "false"])
        m += ['resource "aws_s3_bucket_public_access_block" "assets" {', "  bucket                  = aws_s3_bucket.assets.id",
              f"  block_public_acls       = {flag}", f"  block_public_policy     = {flag}", "  ignore_public_acls      = true", "  restrict_public_buckets = true", "}", ""]
    m += ['resource "aws_db_instance" "db" {', '  identifier        = "${local.name}-db"', '  engine            = "postgres"',
          '  instance_class    = "db.t3.micro"', "  allocated_storage = 20", '  username          = "app"']
    m.append(r.choice(['  password          = "SuperSecret123!"', "  password          = var.db_password", '  manage_master_user_password = true']))
    m.append(r.choice(["  storage_encrypted = true", "  storage_encrypted = local.encrypted", ""]))
    m.append(r.choice(["  publicly_accessible = true", "  publicly_accessible = false", ""]))
    m += ["}", ""]
    if "var.db_password" in "\n".join(m):
        v += ["", 'variable "db_password" {', "  sensitive = true", "}"]
    m += ['resource "aws_instance" "web" {', '  ami           = "ami-0c55b159cbfafe1f0"', '  instance_type = "t3.micro"',
          "  vpc_security_group_ids = [aws_security_group.web.id]"]
    if pick(r, 0.3):
        m.append("  associate_public_ip_address = true")
    if pick(r, 0.5):
        m += ["  metadata_options {", f'    http_tokens = "{r.choice(["required", "optional"])}"', "  }"]
    if pick(r, 0.6):
        m += ["  root_block_device {", f"    encrypted = {r.choice(['true', 'false'])}", "  }"]
    if pick(r, 0.15):
        m += ["  user_data = <<-EOF", "    #!/bin/bash", "    export DB_PASSWORD=hunter2", "    systemctl start app", "  EOF"]
    m += ["}", ""]
    if pick(r, 0.5):
        m += ['resource "aws_ebs_volume" "data" {', '  availability_zone = "eu-central-1a"', "  size = 40"]
        if pick(r, 0.5):
            m.append("  encrypted = true")
        m += ["}", ""]
    if pick(r, 0.6):
        act = r.choice(['"*"', '"s3:*"', '["s3:GetObject", "s3:PutObject"]', '"ec2:Describe*"'])
        res = r.choice(['"*"', '"arn:aws:s3:::example/*"'])
        m += ['resource "aws_iam_policy" "app" {', '  name = "${local.name}-app"', "  policy = jsonencode({", '    Version = "2012-10-17"',
              "    Statement = [{", '      Effect   = "Allow"', f"      Action   = {act}", f"      Resource = {res}", "    }]", "  })", "}", ""]
    if pick(r, 0.5):
        m += ['resource "aws_cloudtrail" "main" {', '  name           = "main"', "  s3_bucket_name = aws_s3_bucket.assets.id",
              f"  is_multi_region_trail = {r.choice(['true', 'false'])}", f"  enable_logging = {r.choice(['true', 'false', 'true'])}", "}", ""]
    if pick(r, 0.4):
        m += ['resource "aws_eks_cluster" "main" {', '  name     = local.name', "  role_arn = aws_iam_role.eks.arn"]
        if pick(r, 0.5):
            m.append('  enabled_cluster_log_types = ["api", "audit"]')
        m += ["  vpc_config {", "    subnet_ids = [aws_subnet.public.id]"]
        m.append(r.choice(["    endpoint_public_access = false", '    public_access_cidrs = ["203.0.113.0/24"]', ""]))
        m += ["  }", "}", ""]
    if pick(r, 0.5):
        proto = r.choice(["HTTPS", "HTTP"])
        m += ['resource "aws_lb_listener" "front" {', "  load_balancer_arn = aws_lb.front.arn", f"  port = {443 if proto == 'HTTPS' else 80}", f'  protocol = "{proto}"']
        if proto == "HTTPS":
            m.append(f'  ssl_policy = "{r.choice(["ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-2016-08", "ELBSecurityPolicy-TLS-1-1-2017-01"])}"')
            m.append('  certificate_arn = "arn:aws:acm:eu-central-1:123456789012:certificate/abc"')
        m += ["  default_action {"]
        if proto == "HTTP" and pick(r, 0.5):
            m += ['    type = "redirect"', "    redirect {", '      port        = "443"', '      protocol    = "HTTPS"', '      status_code = "HTTP_301"', "    }"]
        else:
            m += ['    type             = "forward"', "    target_group_arn = aws_lb_target_group.app.arn"]
        m += ["  }", "}", ""]
    if pick(r, 0.4):
        m += ['resource "aws_kms_key" "data" {', '  description = "data key"']
        if pick(r, 0.5):
            m.append("  enable_key_rotation = true")
        m += ["}", ""]
    if pick(r, 0.3):
        m += ['resource "aws_lambda_function" "worker" {', '  function_name = "${local.name}-worker"', "  role = aws_iam_role.lambda.arn",
              '  handler = "index.handler"', '  runtime = "nodejs20.x"', '  filename = "worker.zip"', "  environment {", "    variables = {", '      STAGE = "prod"']
        if pick(r, 0.4):
            m.append('      API_KEY = "sk_live_51Hexampleexampleexample"')
        m += ["    }", "  }", "}", ""]
    return {"variables.tf": "\n".join(v) + "\n", "main.tf": "\n".join(m)}


def tf_azure(r, project):
    m = ['provider "azurerm" {', "  features {}"]
    if pick(r, 0.08):
        m.append('  client_secret = "Qx8Q~example~secret~value~0123456789"')
    m += ["}", "", "locals {", f'  name = "{project}"', '  location = "westeurope"', "}", ""]
    m += ['resource "azurerm_resource_group" "rg" {', '  name     = "${local.name}-rg"', "  location = local.location", "}", ""]
    m += ['resource "azurerm_network_security_group" "nsg" {', '  name                = "${local.name}-nsg"', "  location            = local.location",
          "  resource_group_name = azurerm_resource_group.rg.name", ""]
    for i, port in enumerate(r.sample(["22", "3389", "443", "*", "5432", "80"], r.randint(1, 3))):
        src = r.choice(['"*"', '"Internet"', '"10.0.0.0/8"', '"0.0.0.0/0"'])
        m += ["  security_rule {", f'    name                       = "rule{i}"', f"    priority                   = {100 + i}",
              '    direction                  = "Inbound"', '    access                     = "Allow"', '    protocol                   = "Tcp"',
              '    source_port_range          = "*"', f'    destination_port_range     = "{port}"', f"    source_address_prefix      = {src}",
              '    destination_address_prefix = "*"', "  }", ""]
    m += ["}", ""]
    m += ['resource "azurerm_storage_account" "sa" {', '  name                     = "${local.name}sa"', "  resource_group_name      = azurerm_resource_group.rg.name",
          "  location                 = local.location", '  account_tier             = "Standard"', '  account_replication_type = "GRS"']
    m.append(r.choice(['  min_tls_version          = "TLS1_2"', '  min_tls_version          = "TLS1_0"', ""]))
    m.append(r.choice(["  allow_nested_items_to_be_public = false", "  allow_nested_items_to_be_public = true", ""]))
    m.append(r.choice(["  https_traffic_only_enabled = false", ""]))
    m += ["}", ""]
    m += ['resource "azurerm_storage_container" "c" {', '  name                  = "content"', "  storage_account_name  = azurerm_storage_account.sa.name",
          f'  container_access_type = "{r.choice(["private", "blob", "container", "private"])}"', "}", ""]
    m += ['resource "azurerm_mssql_server" "sql" {', '  name                         = "${local.name}-sql"', "  resource_group_name          = azurerm_resource_group.rg.name",
          "  location                     = local.location", '  version                      = "12.0"', '  administrator_login          = "sqladmin"']
    m.append(r.choice(['  administrator_login_password = "P@ssw0rd1234!"', "  administrator_login_password = var.sql_password"]))
    m.append(r.choice(['  minimum_tls_version          = "1.2"', '  minimum_tls_version          = "1.0"', ""]))
    m.append(r.choice(["  public_network_access_enabled = false", "  public_network_access_enabled = true", ""]))
    m += ["}", ""]
    if pick(r, 0.3):
        m += ['resource "azurerm_mssql_firewall_rule" "all" {', '  name             = "all"', "  server_id        = azurerm_mssql_server.sql.id",
              '  start_ip_address = "0.0.0.0"', f'  end_ip_address   = "{r.choice(["255.255.255.255", "0.0.0.0"])}"', "}", ""]
    if pick(r, 0.5):
        m += ['resource "azurerm_linux_virtual_machine" "vm" {', '  name                = "${local.name}-vm"', "  resource_group_name = azurerm_resource_group.rg.name",
              "  location            = local.location", '  size                = "Standard_B2s"', '  admin_username      = "azureuser"']
        if pick(r, 0.4):
            m += ['  admin_password      = "Azure-Passw0rd!"', "  disable_password_authentication = false"]
        else:
            m += ["  admin_ssh_key {", '    username   = "azureuser"', '    public_key = file("~/.ssh/id_rsa.pub")', "  }"]
        m += ["  network_interface_ids = [azurerm_network_interface.nic.id]", "  os_disk {", '    caching              = "ReadWrite"',
              '    storage_account_type = "Standard_LRS"', "  }", "}", ""]
    if pick(r, 0.4):
        m += ['resource "azurerm_kubernetes_cluster" "aks" {', '  name                = "${local.name}-aks"', "  location            = local.location",
              "  resource_group_name = azurerm_resource_group.rg.name", '  dns_prefix          = local.name']
        if pick(r, 0.4):
            m.append("  private_cluster_enabled = true")
        if pick(r, 0.4):
            m += ["  oms_agent {", "    log_analytics_workspace_id = azurerm_log_analytics_workspace.la.id", "  }"]
        m += ["  default_node_pool {", '    name       = "default"', "    node_count = 2", '    vm_size    = "Standard_D2_v2"', "  }",
              "  identity {", '    type = "SystemAssigned"', "  }", "}", ""]
    if pick(r, 0.4):
        m += ['resource "azurerm_linux_web_app" "app" {', '  name                = "${local.name}-app"', "  resource_group_name = azurerm_resource_group.rg.name",
              "  location            = local.location", "  service_plan_id     = azurerm_service_plan.plan.id"]
        m.append(r.choice(["  https_only          = true", ""]))
        m += ["  site_config {", f'    minimum_tls_version = "{r.choice(["1.2", "1.0", "1.2"])}"', "  }", "}", ""]
    v = ['variable "sql_password" {', "  type      = string", "  sensitive = true", "}"]
    return {"main.tf": "\n".join(m), "variables.tf": "\n".join(v) + "\n"}


def tf_gcp(r, project):
    m = ['provider "google" {', f'  project = "{project}"', '  region  = "europe-west3"', "}", ""]
    m += ['variable "ssh_source" {', f'  default = ["{r.choice(["0.0.0.0/0", "35.235.240.0/20"])}"]', "}", ""]
    m += ['resource "google_compute_network" "vpc" {', f'  name = "{project}-vpc"', "  auto_create_subnetworks = false", "}", ""]
    m += ['resource "google_compute_subnetwork" "sub" {', f'  name          = "{project}-sub"', '  ip_cidr_range = "10.10.0.0/16"', "  network       = google_compute_network.vpc.id"]
    if pick(r, 0.4):
        m += ["  log_config {", '    aggregation_interval = "INTERVAL_10_MIN"', "  }"]
    m += ["}", ""]
    for name, ports in r.sample([("ssh", '["22"]'), ("rdp", '["3389"]'), ("web", '["80", "443"]'), ("all", None), ("db", '["5432"]')], r.randint(1, 3)):
        src = r.choice(["var.ssh_source", '["0.0.0.0/0"]', '["10.0.0.0/8"]'])
        m += [f'resource "google_compute_firewall" "{name}" {{', f'  name    = "{project}-{name}"', "  network = google_compute_network.vpc.name", "  allow {",
              '    protocol = "tcp"' if ports else '    protocol = "all"']
        if ports:
            m.append(f"    ports    = {ports}")
        m += ["  }", f"  source_ranges = {src}", "}", ""]
    m += ['resource "google_storage_bucket" "assets" {', f'  name     = "{project}-assets"', '  location = "EU"', "  uniform_bucket_level_access = true", "}", ""]
    if pick(r, 0.3):
        m += ['resource "google_storage_bucket_iam_member" "public" {', "  bucket = google_storage_bucket.assets.name", '  role   = "roles/storage.objectViewer"',
              f'  member = "{r.choice(["allUsers", "allAuthenticatedUsers"])}"', "}", ""]
    m += ['resource "google_sql_database_instance" "db" {', f'  name             = "{project}-db"', '  database_version = "POSTGRES_15"', "  settings {",
          '    tier = "db-f1-micro"', "    ip_configuration {", f"      ipv4_enabled = {r.choice(['true', 'false'])}"]
    if pick(r, 0.4):
        m.append(r.choice(["      require_ssl = true", '      ssl_mode = "ENCRYPTED_ONLY"', "      require_ssl = false"]))
    if pick(r, 0.4):
        m += ["      authorized_networks {", '        name  = "anywhere"', f'        value = "{r.choice(["0.0.0.0/0", "203.0.113.0/24"])}"', "      }"]
    m += ["    }", "  }", "}", ""]
    m += ['resource "google_compute_instance" "vm" {', f'  name         = "{project}-vm"', '  machine_type = "e2-small"', '  zone         = "europe-west3-a"',
          "  boot_disk {", "    initialize_params {", '      image = "debian-cloud/debian-12"', "    }", "  }", "  network_interface {", "    subnetwork = google_compute_subnetwork.sub.id"]
    if pick(r, 0.5):
        m += ["    access_config {}"]
    m += ["  }"]
    if pick(r, 0.3):
        m += ["  metadata = {", '    block-project-ssh-keys = "true"', "  }"]
    m += ["}", ""]
    if pick(r, 0.5):
        role = r.choice(["roles/owner", "roles/editor", "roles/viewer", "roles/storage.admin"])
        m += ['resource "google_project_iam_member" "ci" {', f'  project = "{project}"', f'  role    = "{role}"',
              '  member  = "serviceAccount:ci@example.iam.gserviceaccount.com"', "}", ""]
    if pick(r, 0.4):
        m += ['resource "google_container_cluster" "gke" {', f'  name     = "{project}-gke"', '  location = "europe-west3"', "  initial_node_count = 1"]
        if pick(r, 0.5):
            m += ["  master_authorized_networks_config {", "    cidr_blocks {", '      cidr_block = "10.0.0.0/8"', "    }", "  }"]
        if pick(r, 0.2):
            m.append('  logging_service = "none"')
        m += ["}", ""]
    if pick(r, 0.4):
        m += ['resource "google_kms_crypto_key" "key" {', '  name     = "data"', "  key_ring = google_kms_key_ring.ring.id"]
        if pick(r, 0.5):
            m.append('  rotation_period = "7776000s"')
        m += ["}", ""]
    if pick(r, 0.3):
        m += ['resource "google_compute_ssl_policy" "tls" {', '  name    = "tls"', '  profile = "MODERN"', f'  min_tls_version = "{r.choice(["TLS_1_2", "TLS_1_0", "TLS_1_1"])}"', "}", ""]
    return {"main.tf": "\n".join(m)}


def terraform(r, project):
    cloud = r.choice(["aws", "aws", "azure", "gcp"])
    files = {"aws": tf_aws, "azure": tf_azure, "gcp": tf_gcp}[cloud](r, project)
    if cloud == "aws" and pick(r, 0.15):
        # The same security group as .tf.json, as Terraform CDK and generators write it.
        files["sg.tf.json"] = json.dumps({"resource": {"aws_security_group": {"json_sg": {
            "name": f"{project}-json", "ingress": [{"from_port": 22, "to_port": 22, "protocol": "tcp",
                                                   "cidr_blocks": [r.choice(["0.0.0.0/0", "10.0.0.0/8"])]}]}}}}, indent=2) + "\n"
    return {f"terraform/{k}": v for k, v in files.items()}


# ----------------------------------------------------------------------------------- corpus

def generate(out, projects=120, seed=20240611):
    r = random.Random(seed)
    count = 0
    for i in range(projects):
        name = f"p{i:03d}"
        files = {"Dockerfile": dockerfile(r)}
        if pick(r, 0.3):
            files["worker.Dockerfile"] = dockerfile(r)
        files[r.choice(["docker-compose.yml", "compose.yaml", "docker-compose.yaml"])] = compose(r)
        files.update(kubernetes(r, name))
        files.update(terraform(r, name))
        for rel, text in files.items():
            path = os.path.join(out, name, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
            count += 1
    return count


if __name__ == "__main__":
    n = int(sys.argv[sys.argv.index("--projects") + 1]) if "--projects" in sys.argv else 120
    print(generate(sys.argv[1], n), "files written")
