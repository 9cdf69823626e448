//! requirements.txt: pip-compile output from the real pip-tools (fixtures/pip-requirements/
//! generate.sh) and a hand-written file with what pip-compile never writes.

use std::path::Path;

use proven_inventory::{inventory_tree, parse_bytes, WalkOptions};
use proven_model::{Completeness, DiagnosticLevel, HashAlg, Inventory, Scope};

fn fixture(dir: &str) -> Inventory {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/pip-requirements")
        .join(dir);
    inventory_tree(&dir, &WalkOptions::default())
}

fn deps<'a>(inv: &'a Inventory, id: &str) -> Vec<&'a str> {
    inv.dependencies
        .get(id)
        .map(|s| s.iter().map(String::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn pip_compile_output() {
    let inv = fixture("pip-compile");
    assert!(inv.is_complete(), "{:?}", inv.diagnostics);
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
    let ids: Vec<&str> = inv.components.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "pkg:pypi/certifi@2026.10.19.post1",
            "pkg:pypi/chardet@4.0.0",
            "pkg:pypi/helper@0.1.0",
            "pkg:pypi/idna@2.10",
            "pkg:pypi/iniconfig@2.3.1",
            "pkg:pypi/packaging@26.4",
            "pkg:pypi/pluggy@1.7.0",
            "pkg:pypi/pysocks@1.7.1",
            "pkg:pypi/pytest@8.3.3",
            "pkg:pypi/requests@2.25.1",
            "pkg:pypi/urllib3@1.26.20",
        ]
    );
    // `.in` files are inputs, not manifests.
    let paths: Vec<&str> = inv.manifests.iter().map(|m| m.path.as_str()).collect();
    assert_eq!(paths, ["requirements-dev.txt", "requirements.txt"]);
    let main = &inv.manifests[1];
    assert_eq!(main.format, "requirements.txt (pip-compile)");
    assert_eq!(main.components.len(), 7);
    assert_eq!(main.root, None);
    let direct: Vec<&str> = main.direct.iter().map(String::as_str).collect();
    assert_eq!(
        direct,
        ["pkg:pypi/helper@0.1.0", "pkg:pypi/requests@2.25.1"],
        "`# via -r requirements.in`"
    );
    let dev = &inv.manifests[0];
    let direct: Vec<&str> = dev.direct.iter().map(String::as_str).collect();
    assert_eq!(direct, ["pkg:pypi/pytest@8.3.3"]);

    let scope = |id: &str| inv.component(id).map(|c| c.scope);
    assert_eq!(scope("pkg:pypi/requests@2.25.1"), Some(Scope::Required));
    assert_eq!(
        scope("pkg:pypi/pluggy@1.7.0"),
        Some(Scope::Dev),
        "from requirements-dev.txt"
    );

    let requests = inv.component("pkg:pypi/requests@2.25.1").expect("requests");
    assert_eq!(requests.name, "requests");
    assert_eq!(requests.locations[0].path, "requirements.txt");
    assert_eq!(requests.locations[0].line, Some(29));
    assert_eq!(requests.source.as_deref(), Some("https://pypi.org/simple"));
    assert_eq!(requests.properties["proven:origin"], "registry");
    assert_eq!(requests.hashes.len(), 2);
    let pysocks = inv.component("pkg:pypi/pysocks@1.7.1").expect("pysocks");
    assert_eq!(
        pysocks.hashes.len(),
        3,
        "three --hash options over three lines"
    );
    assert!(pysocks.hashes.iter().all(|h| h.alg == HashAlg::Sha256));

    // `-e ./libs/helper`: named by its own pyproject.toml.
    let helper = inv.component("pkg:pypi/helper@0.1.0").expect("helper");
    assert_eq!(helper.properties["proven:origin"], "path");
    assert_eq!(helper.properties["proven:editable"], "true");
    assert_eq!(helper.source.as_deref(), Some("./libs/helper"));
    assert_eq!(helper.locations[0].line, Some(9));

    assert_eq!(
        deps(&inv, "pkg:pypi/requests@2.25.1"),
        [
            "pkg:pypi/certifi@2026.10.19.post1",
            "pkg:pypi/chardet@4.0.0",
            "pkg:pypi/idna@2.10",
            "pkg:pypi/pysocks@1.7.1",
            "pkg:pypi/urllib3@1.26.20",
        ],
        "from `# via requests` comments, one- and multi-line"
    );
    assert_eq!(deps(&inv, "pkg:pypi/helper@0.1.0"), ["pkg:pypi/idna@2.10"]);
    assert_eq!(
        deps(&inv, "pkg:pypi/pytest@8.3.3"),
        [
            "pkg:pypi/iniconfig@2.3.1",
            "pkg:pypi/packaging@26.4",
            "pkg:pypi/pluggy@1.7.0"
        ]
    );
}

#[test]
fn hand_written_file() {
    let inv = fixture("hand");
    assert_eq!(
        inv.manifests.len(),
        1,
        "base.txt and constraints.txt are read through it"
    );
    let m = &inv.manifests[0];
    assert_eq!(m.format, "requirements.txt");
    assert_eq!(
        m.completeness,
        Completeness::Incomplete(
            "2 requirements are ranges, not pins; included file `../shared/common.txt` was not \
             read; a requirement names no package (https://example.org/download/archive.zip)"
                .into()
        )
    );
    let index_purl = |name: &str, v: &str| {
        format!("pkg:pypi/{name}@{v}?repository_url=https:%2F%2Fpypi.example.org%2Fsimple")
    };

    // A range is listed without a version, never guessed.
    let django = inv
        .components
        .iter()
        .find(|c| c.name == "Django")
        .expect("Django");
    assert_eq!(django.version, None);
    assert_eq!(django.requirement.as_deref(), Some(">=4.2,<5"));
    assert_eq!(django.locations[0].line, Some(7));
    // Credentials in the index URL are not kept.
    assert_eq!(
        django.source.as_deref(),
        Some("https://pypi.example.org/simple")
    );
    assert_eq!(
        django.properties["proven:extra-index-urls"],
        "https://mirror.example.org/simple"
    );

    // A bare name pinned by `-c constraints.txt`; werkzeug, only constrained, is not installed.
    let flask = inv.component(&index_purl("flask", "3.0.0")).expect("flask");
    assert_eq!(flask.properties["proven:pinned-by"], "constraints file");
    assert!(!inv.components.iter().any(|c| c.name == "werkzeug"));

    // `-r base.txt` in the same folder is followed; its components point at it.
    let idna = inv.component(&index_purl("idna", "3.4")).expect("idna");
    assert_eq!(idna.locations[0].path, "base.txt");
    assert_eq!(idna.locations[0].line, Some(1));

    let zope = inv
        .component(&index_purl("zope.interface", "6.0"))
        .expect("`===` pins too");
    assert_eq!(
        zope.properties["proven:marker"],
        "python_version >= \"3.8\""
    );

    let requests = inv
        .component(&index_purl("requests", "2.31.0"))
        .expect("requests");
    assert_eq!(requests.properties["proven:extras"], "socks,security");
    assert_eq!(requests.hashes.len(), 2, "`--hash=` and `--hash ` forms");
    assert_eq!(requests.locations[0].line, Some(10));

    let click = inv
        .components
        .iter()
        .find(|c| c.name == "click")
        .expect("-e git+...#egg=click");
    assert_eq!(click.version, None, "a tag is not a pin");
    assert_eq!(click.properties["proven:origin"], "git");
    assert_eq!(
        click.source.as_deref(),
        Some("git+https://github.com/pallets/click.git@8.1.7")
    );
    let attrs = inv
        .components
        .iter()
        .find(|c| c.name == "attrs")
        .expect("attrs @ git+...");
    assert_eq!(attrs.properties["proven:origin"], "git");
    assert!(attrs.purl.as_ref().is_some_and(
        |p| p.qualifiers()["vcs_url"].ends_with("@a2ba8bd3b6a3e6cc3e2a1ae5f06cd6e5cfb1ebc6")
    ));
    let ext = inv
        .components
        .iter()
        .find(|c| c.name == "pkg-ext")
        .expect("pkg-ext @ https://...");
    assert_eq!(ext.properties["proven:origin"], "url");
    let six = inv
        .component("pkg:pypi/six@1.16.0")
        .expect("a wheel file names its version");
    assert_eq!(six.properties["proven:origin"], "path");

    assert_eq!(inv.components.len(), 9);
    assert_eq!(
        m.direct.len(),
        9,
        "no `# via`: everything listed is asked for"
    );
    let levels: Vec<(DiagnosticLevel, Option<u32>)> = inv
        .diagnostics
        .iter()
        .map(|d| (d.level, d.location.line))
        .collect();
    assert_eq!(
        levels,
        [
            (DiagnosticLevel::Warning, Some(17)),
            (DiagnosticLevel::Warning, Some(20)),
            (DiagnosticLevel::Note, Some(7)),
            (DiagnosticLevel::Note, Some(13)),
            (DiagnosticLevel::Note, Some(19)),
        ]
    );
}

#[test]
fn old_pip_compile_via_comments() {
    // pip-tools 5 wrote `# via` as the last continuation line or on the line, comma-separated.
    let text = "\
celery==4.4.7 \\
    --hash=sha256:a92e1d56e650781fb747032a3997d16236d037c8199eacd5217d1a72893bca45 \\
    # via -r requirements/main.in
kombu==4.6.11 \\
    --hash=sha256:be48cdffb54a2194d93ad6533d73f69408486483d189fe9f5990ee24255b0e0a \\
    # via celery
vine==1.3.0               # via amqp, celery
amqp==2.6.1  # via kombu
";
    let inv = parse_bytes("pip-requirements", "requirements.txt", text.as_bytes())
        .expect("parser exists");
    assert!(inv.is_complete(), "{:?}", inv.diagnostics);
    assert_eq!(
        deps(&inv, "pkg:pypi/celery@4.4.7"),
        ["pkg:pypi/kombu@4.6.11", "pkg:pypi/vine@1.3.0"]
    );
    assert_eq!(deps(&inv, "pkg:pypi/kombu@4.6.11"), ["pkg:pypi/amqp@2.6.1"]);
    assert_eq!(deps(&inv, "pkg:pypi/amqp@2.6.1"), ["pkg:pypi/vine@1.3.0"]);
    let direct: Vec<&str> = inv.manifests[0].direct.iter().map(String::as_str).collect();
    assert_eq!(direct, ["pkg:pypi/celery@4.4.7"]);
    let kombu = inv.component("pkg:pypi/kombu@4.6.11").expect("kombu");
    assert_eq!(kombu.locations[0].line, Some(4));
    assert_eq!(kombu.hashes.len(), 1);
}

#[test]
fn dev_file_names_give_dev_scope() {
    let inv = parse_bytes(
        "pip-requirements",
        "requirements-test.txt",
        b"pytest==8.3.3\n",
    )
    .expect("parser exists");
    assert_eq!(inv.components[0].scope, Scope::Dev);
}

#[test]
fn malformed_line_names_the_line() {
    let text = "idna==2.10\n\nrequests[socks==2.25.1\n";
    let inv = parse_bytes("pip-requirements", "requirements.txt", text.as_bytes())
        .expect("parser exists");
    assert_eq!(inv.components.len(), 1, "what could be read is kept");
    let d = &inv.diagnostics[0];
    assert_eq!(d.level, DiagnosticLevel::Error);
    assert_eq!(d.location.line, Some(3));
    assert!(d.message.contains("expected"), "{}", d.message);
    assert!(matches!(
        inv.manifests[0].completeness,
        Completeness::Incomplete(_)
    ));
}

#[test]
fn warehouse_direct_dependencies_are_its_main_in() {
    let Some(data) = std::env::var_os("PROVEN_TESTDATA") else {
        return;
    };
    let dir = Path::new(&data).join("corpus/lockfiles/pip-requirements/pypa__warehouse");
    let bytes = std::fs::read(dir.join("main.txt")).expect("corpus file");
    let inv = parse_bytes("pip-requirements", "main.txt", &bytes).expect("parser exists");
    let main_in = std::fs::read_to_string(dir.join("main.in")).expect("corpus file");
    let asked = main_in.lines().filter(|l| !l.trim().is_empty()).count();
    assert_eq!(inv.manifests[0].direct.len(), asked);
    assert!(inv.dependencies["pkg:pypi/celery@4.4.7"].contains("pkg:pypi/kombu@4.6.11"));
}
