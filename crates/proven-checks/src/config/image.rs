//! Container image configurations: the runtime profile an image carries (user, exposed ports,
//! environment, health check), checked by the Dockerfile rules of the same meaning. Findings are
//! located at `<image>:config`, without a line.

use proven_model::ContainerRuntime;

use super::dockerfile::{check_env, is_root_user, is_ssh_port};
use super::Emitter;
use crate::scanner::Sink;

/// Checks the runtime profile of the image named `image` (its archive, as given).
pub fn check(image: &str, runtime: &ContainerRuntime, sink: &Sink) {
    let location = format!("{image}:config");
    let mut out = Emitter::whole_file(&location);
    rules(runtime, &mut out);
    out.flush(sink);
}

fn rules(r: &ContainerRuntime, out: &mut Emitter<'_>) {
    match r.user.as_deref().map(str::trim) {
        None | Some("") => out.hit(
            "docker-runs-as-root",
            0,
            0,
            "USER:none".into(),
            "the image configuration sets no User, so it runs as root".into(),
        ),
        Some(user) if is_root_user(user) => out.hit(
            "docker-runs-as-root",
            0,
            0,
            "USER:root".into(),
            format!("the image configuration's User is `{user}`"),
        ),
        Some(_) => {}
    }
    for port in &r.exposed_ports {
        if is_ssh_port(port) {
            out.hit(
                "docker-expose-ssh",
                0,
                0,
                "EXPOSE:22".into(),
                format!("ExposedPorts {port}"),
            );
        }
    }
    for (key, value) in &r.env {
        check_env(out, 0, key, value, value);
    }
    if r.healthcheck.is_none() {
        out.hit(
            "docker-no-healthcheck",
            0,
            0,
            "HEALTHCHECK".into(),
            "the image configuration has no Healthcheck".into(),
        );
    }
}
