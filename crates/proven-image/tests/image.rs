//! Images built in memory by the tests: layouts, layer semantics, and hostile archives.

mod common;

use common::{
    compress, docker_save, docker_save_files, layer, oci_files, sha256, tar_of, write_dir, Comp,
    OciLayer, Recorder, E,
};
use proven_image::{walk_image, ErrorKind, Image, ImageError, Limits, NodeKind};
use proven_inventory::WalkOptions;
use proven_model::DiagnosticLevel;
use serde_json::json;

fn open(bytes: Vec<u8>) -> Image {
    Image::from_bytes("test.tar", bytes, &Limits::default()).expect("a valid image")
}

fn open_with(bytes: Vec<u8>, limits: &Limits) -> Result<Image, ImageError> {
    Image::from_bytes("test.tar", bytes, limits)
}

fn all() -> Recorder<fn(&str) -> bool> {
    Recorder::new(|_| true)
}

/// Two layers: the second deletes a file (whiteout), empties a folder (opaque) and adds files.
fn two_layers() -> Vec<Vec<u8>> {
    vec![
        layer(&[
            E::Dir("etc/"),
            E::File("etc/os-release", b"ID=test\n"),
            E::Dir("app/"),
            E::File("app/a.txt", b"a"),
            E::File("app/b.txt", b"b"),
            E::Dir("opt/x/"),
            E::File("opt/x/old.txt", b"old"),
            E::Dir("opt/x/sub/"),
            E::File("opt/x/sub/deep.txt", b"deep"),
            E::File("gone/inner.txt", b"inner"),
        ]),
        layer(&[
            E::File("app/.wh.a.txt", b""),
            E::File("app/c.txt", b"c"),
            E::Dir("opt/x/"),
            E::File("opt/x/new.txt", b"new"),
            E::File("opt/x/.wh..wh..opq", b""),
            E::File(".wh.gone", b""),
            E::File("etc/os-release", b"ID=test2\n"),
        ]),
    ]
}

const FINAL: &[(&str, &str)] = &[
    ("app/b.txt", "b"),
    ("app/c.txt", "c"),
    ("etc/os-release", "ID=test2\n"),
    ("opt/x/new.txt", "new"),
];

fn expected() -> Vec<(String, String)> {
    FINAL
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect()
}

#[test]
fn docker_save_applies_whiteouts_and_opaque_folders_in_layer_order() {
    let layers = two_layers();
    let image = open(docker_save(
        &layers,
        json!({"User": "app"}),
        Some("registry.example.com/team/app:1.2"),
    ));
    assert_eq!(image.format.as_str(), "docker-save archive");
    assert_eq!(image.layers.len(), 2);
    assert_eq!(image.layers[1].diff_id, sha256(&layers[1]));
    let rec = all();
    let walked = walk_image(&image, &WalkOptions::default(), &[&rec]).expect("walks");
    assert_eq!(rec.texts(), expected());
    assert!(walked.diagnostics.is_empty(), "{:?}", walked.diagnostics);
    // Which layer put each file there.
    assert_eq!(
        walked.fs.layer_of("app/b.txt"),
        Some(sha256(&layers[0]).as_str())
    );
    assert_eq!(
        walked.fs.layer_of("app/c.txt"),
        Some(sha256(&layers[1]).as_str())
    );
    assert_eq!(
        walked.fs.layer_of("/etc/os-release"),
        Some(sha256(&layers[1]).as_str())
    );
    assert!(walked.fs.get("opt/x/sub/deep.txt").is_none());
    assert!(
        walked.fs.get("opt/x").is_some(),
        "the opaque folder itself stays"
    );
    assert!(walked.fs.get("gone").is_none() && walked.fs.get("gone/inner.txt").is_none());
    // Old docker save keeps no manifest: the purl's version is the image id.
    assert_eq!(
        image.purl().to_string(),
        format!(
            "pkg:oci/app@{}?arch=amd64&repository_url=registry.example.com%2Fteam%2Fapp&tag=1.2",
            image.config_digest
        )
    );
    assert_eq!(image.runtime.user.as_deref(), Some("app"));
}

#[test]
fn oci_layouts_with_gzip_zstd_and_plain_layers_read_alike() {
    let layers = two_layers();
    for (comps, budget) in [
        ([Comp::Gzip, Comp::Zstd], Limits::default().capture_budget),
        ([Comp::Zstd, Comp::None], Limits::default().capture_budget),
        // No bytes kept from the first pass: every file is read again.
        ([Comp::Gzip, Comp::Zstd], 0),
        ([Comp::None, Comp::None], 0),
    ] {
        let oci: Vec<OciLayer> = layers
            .iter()
            .zip(comps)
            .map(|(l, c)| OciLayer::new(l.clone(), c))
            .collect();
        let files = oci_files(&oci, json!({}), Some("docker.io/library/demo:3"), true);
        let limits = Limits {
            capture_budget: budget,
            ..Limits::default()
        };
        let image = Image::from_bytes("demo.tar", tar_of(&files), &limits).expect("opens");
        assert_eq!(image.format.as_str(), "OCI layout archive");
        let rec = all();
        walk_image(&image, &WalkOptions::default(), &[&rec]).expect("walks");
        assert_eq!(rec.texts(), expected(), "{comps:?} budget {budget}");
        let manifest = image.manifest_digest.clone().expect("a manifest");
        assert_eq!(
            image.purl().to_string(),
            format!("pkg:oci/demo@{manifest}?arch=amd64&repository_url=docker.io%2Flibrary%2Fdemo&tag=3")
        );

        // The same layout as a folder.
        let dir = tempfile::tempdir().expect("tempdir");
        write_dir(dir.path(), &files);
        let image = Image::open(dir.path(), &limits).expect("opens");
        assert_eq!(image.format.as_str(), "OCI layout");
        let rec = all();
        walk_image(&image, &WalkOptions::default(), &[&rec]).expect("walks");
        assert_eq!(rec.texts(), expected());
    }
}

#[test]
fn excluded_paths_are_not_visited() {
    let image = open(docker_save(&two_layers(), json!({}), None));
    let rec = all();
    let options = WalkOptions {
        exclude: vec!["opt".into(), "**/c.txt".into()],
        ..WalkOptions::default()
    };
    walk_image(&image, &options, &[&rec]).expect("walks");
    let paths: Vec<String> = rec.seen().into_iter().map(|s| s.0).collect();
    assert_eq!(paths, ["app/b.txt", "etc/os-release"]);
}

#[test]
fn entries_climbing_out_of_the_root_are_rejected_and_absolute_paths_kept_inside() {
    let image = open(docker_save(
        &[layer(&[
            E::File("../../etc/evil", b"x"),
            E::File("a/../../escape", b"x"),
            E::File("/etc/absolute", b"abs"),
            E::File("./usr/../etc/dotted", b"dot"),
        ])],
        json!({}),
        None,
    ));
    let rec = all();
    let walked = walk_image(&image, &WalkOptions::default(), &[&rec]).expect("walks");
    assert_eq!(
        rec.texts(),
        [
            ("etc/absolute".to_string(), "abs".to_string()),
            ("etc/dotted".to_string(), "dot".to_string())
        ]
    );
    let errors: Vec<&str> = walked
        .diagnostics
        .iter()
        .filter(|d| d.level == DiagnosticLevel::Error)
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    let layer = &image.layers[0].diff_id;
    assert!(errors.iter().any(|m| m.contains("entry `../../etc/evil`")
        && m.contains("climbs out of the image root")
        && m.contains(layer.as_str())
        && m.starts_with("test.tar")));
}

#[test]
fn symlinks_resolve_inside_the_image_only() {
    let image = open(docker_save(
        &[layer(&[
            E::File("usr/lib/os-release", b"ID=debian\n"),
            E::Symlink("etc/os-release", "../usr/lib/os-release"),
            E::Symlink("etc/shadow-link", "/../../../../etc/shadow"),
            E::Symlink("up", "../../../.."),
            E::Symlink("loop1", "loop2"),
            E::Symlink("loop2", "loop1"),
            E::File("etc/shadow", b"inside"),
        ])],
        json!({}),
        None,
    ));
    let rec = all();
    let walked = walk_image(&image, &WalkOptions::default(), &[&rec]).expect("walks");
    // Symbolic links themselves are not visited (as in the tree walk).
    let paths: Vec<String> = rec.seen().into_iter().map(|s| s.0).collect();
    assert_eq!(paths, ["etc/shadow", "usr/lib/os-release"]);
    let fs = &walked.fs;
    assert_eq!(
        fs.resolve("etc/os-release").map(|r| r.0),
        Some("usr/lib/os-release")
    );
    // `..` stops at the image root; an absolute target starts again at it.
    assert_eq!(
        fs.resolve("etc/shadow-link").map(|r| r.0),
        Some("etc/shadow")
    );
    assert_eq!(fs.resolve("up/etc/shadow").map(|r| r.0), Some("etc/shadow"));
    assert_eq!(
        fs.resolve("up/up/usr/lib/os-release").map(|r| r.0),
        Some("usr/lib/os-release")
    );
    assert!(fs.resolve("loop1").is_none(), "a loop resolves to nothing");
}

#[test]
fn hard_links_resolve_within_the_image() {
    let layers = vec![
        layer(&[E::File("bin/a", b"binary-a"), E::Hardlink("bin/b", "bin/a")]),
        layer(&[
            E::Hardlink("bin/c", "./bin/a"),
            E::Hardlink("bin/d", "bin/missing"),
            E::Hardlink("bin/e", "../outside"),
        ]),
    ];
    let image = open(docker_save(&layers, json!({}), None));
    let rec = all();
    let walked = walk_image(&image, &WalkOptions::default(), &[&rec]).expect("walks");
    assert_eq!(
        rec.texts(),
        [
            ("bin/a".to_string(), "binary-a".to_string()),
            ("bin/b".to_string(), "binary-a".to_string()),
            ("bin/c".to_string(), "binary-a".to_string()),
        ]
    );
    assert_eq!(
        walked.fs.layer_of("bin/c"),
        Some(sha256(&layers[1]).as_str())
    );
    let messages: Vec<&str> = walked
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("entry `bin/d`") && m.contains("hard link to `bin/missing`")),
        "{messages:?}"
    );
    assert!(messages
        .iter()
        .any(|m| m.contains("entry `bin/e`") && m.contains("climbs out")));
}

#[test]
fn devices_and_fifos_are_ignored_and_hide_what_was_below() {
    let image = open(docker_save(
        &[
            layer(&[
                E::File("dev/null", b"not a device"),
                E::File("run/pipe", b"x"),
            ]),
            layer(&[
                E::Char("dev/null"),
                E::Fifo("run/pipe"),
                E::Fifo("run/other"),
            ]),
        ],
        json!({}),
        None,
    ));
    let rec = all();
    let walked = walk_image(&image, &WalkOptions::default(), &[&rec]).expect("walks");
    assert!(rec.seen().is_empty());
    assert!(walked.fs.is_empty());
    assert!(walked.diagnostics.is_empty());
}

#[test]
fn a_gzip_bomb_stops_at_the_ratio_limit() {
    let zeros = vec![0u8; 3 << 20];
    let tar = layer(&[E::File("bomb", &zeros)]);
    let files = oci_files(&[OciLayer::new(tar, Comp::Gzip)], json!({}), None, false);
    let limits = Limits {
        ratio_floor: 1 << 20,
        max_ratio: 50,
        ..Limits::default()
    };
    let image = open_with(tar_of(&files), &limits).expect("metadata is fine");
    let err = walk_image(&image, &WalkOptions::default(), &[&all()]).expect_err("a bomb");
    assert_eq!(err.kind, ErrorKind::Limit);
    assert!(err.to_string().contains("decompression bomb"), "{err}");
    assert_eq!(err.layer.as_deref(), image.layers[0].digest.as_deref());

    let limits = Limits {
        max_total_size: 2 << 20,
        ..Limits::default()
    };
    let image = open_with(tar_of(&files), &limits).expect("metadata is fine");
    let err = walk_image(&image, &WalkOptions::default(), &[&all()]).expect_err("too big");
    assert_eq!(err.kind, ErrorKind::Limit);
    assert!(
        err.to_string().contains("limit for the whole image"),
        "{err}"
    );

    let limits = Limits {
        max_entry_size: 1 << 20,
        ..Limits::default()
    };
    let image = open_with(tar_of(&files), &limits).expect("metadata is fine");
    let err = walk_image(&image, &WalkOptions::default(), &[&all()]).expect_err("too big");
    assert_eq!(err.kind, ErrorKind::Limit);
    assert_eq!(err.entry.as_deref(), Some("bomb"));
    assert!(
        err.to_string().starts_with("test.tar: layer sha256:"),
        "{err}"
    );
}

#[test]
fn too_many_layers_is_a_clear_error() {
    let layers: Vec<Vec<u8>> = (0..5)
        .map(|i| layer(&[E::File(&format!("f{i}"), b"x")]))
        .collect();
    let limits = Limits {
        max_layers: 4,
        ..Limits::default()
    };
    let err = open_with(docker_save(&layers, json!({}), None), &limits).expect_err("too many");
    assert_eq!(err.kind, ErrorKind::Limit);
    assert_eq!(err.to_string(), "test.tar: 5 layers, over the limit of 4");
}

#[test]
fn truncated_and_corrupt_layers_are_errors_naming_the_layer() {
    let tar = layer(&[E::File("etc/data", &[7u8; 100_000])]);
    for comp in [Comp::Gzip, Comp::Zstd, Comp::None] {
        let full = compress(&tar, comp);
        // Truncated: the blob's digest and size match what the manifest says, the stream ends early.
        let mut cut = OciLayer::new(tar.clone(), comp);
        cut.blob = Some(full[..full.len() / 2].to_vec());
        // Damaged in the middle.
        let mut bad = full.clone();
        let mid = bad.len() / 2;
        bad[mid] ^= 0xff;
        bad[mid + 1] ^= 0x55;
        let mut flipped = OciLayer::new(tar.clone(), comp);
        flipped.blob = Some(bad);
        for (what, l) in [("truncated", cut), ("flipped", flipped)] {
            let files = oci_files(&[l], json!({}), None, false);
            let image = open(tar_of(&files));
            let err =
                walk_image(&image, &WalkOptions::default(), &[&all()]).expect_err("damaged layer");
            assert!(
                matches!(err.kind, ErrorKind::Corrupt | ErrorKind::Digest),
                "{comp:?} {what}: {err}"
            );
            if comp != Comp::None {
                assert_eq!(err.kind, ErrorKind::Corrupt, "{comp:?} {what}: {err}");
            }
            assert_eq!(err.layer.as_deref(), image.layers[0].digest.as_deref());
        }
    }
}

/// One zstd frame of `bytes` with its content checksum.
fn zstd_frame(bytes: &[u8]) -> Vec<u8> {
    let mut e = zstd::stream::write::Encoder::new(Vec::new(), 3).expect("in memory");
    e.include_checksum(true).expect("in memory");
    std::io::Write::write_all(&mut e, bytes).expect("in memory");
    e.finish().expect("in memory")
}

#[test]
fn zstd_layers_of_several_frames_read_whole_and_bad_checksums_are_corrupt() {
    let tar = layer(&[
        E::File("etc/one", &[1u8; 70_000]),
        E::File("etc/two", b"second file"),
    ]);
    let (head, tail) = tar.split_at(40_000);
    // A skippable frame (magic 0x184D2A50, 3 bytes of payload) between two checksummed frames.
    let skippable = [0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 9, 9, 9];
    let mut blob = [zstd_frame(head), skippable.to_vec(), zstd_frame(tail)].concat();
    let mut whole = OciLayer::new(tar.clone(), Comp::Zstd);
    whole.blob = Some(blob.clone());
    let image = open(tar_of(&oci_files(&[whole], json!({}), None, false)));
    let rec = all();
    walk_image(&image, &WalkOptions::default(), &[&rec]).expect("every frame is read");
    let texts = rec.texts();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(
        texts
            .iter()
            .any(|(p, t)| p == "etc/two" && t == "second file"),
        "{texts:?}"
    );

    // The last frame's stored checksum no longer matches its content.
    let last = blob.len() - 1;
    blob[last] ^= 0xff;
    let mut bad = OciLayer::new(tar, Comp::Zstd);
    bad.blob = Some(blob);
    let image = open(tar_of(&oci_files(&[bad], json!({}), None, false)));
    let err = walk_image(&image, &WalkOptions::default(), &[&all()]).expect_err("bad checksum");
    assert_eq!(err.kind, ErrorKind::Corrupt, "{err}");
    assert!(err.to_string().contains("checksum"), "{err}");
}

#[test]
fn a_damaged_large_layer_read_first_is_the_error_reported() {
    // Layers are read largest first: with one thread the damaged second layer is read before the
    // small first one, which is then never read; the error still names the damaged layer.
    let small = layer(&[E::File("etc/small", b"fine")]);
    let large_tar = layer(&[E::File("etc/large", &[3u8; 200_000])]);
    let mut large = compress(&large_tar, Comp::Gzip);
    let mid = large.len() / 2;
    large[mid] ^= 0xff;
    let mut damaged = OciLayer::new(large_tar, Comp::Gzip);
    damaged.blob = Some(large);
    let layers = [OciLayer::new(small, Comp::None), damaged];
    let image = open(tar_of(&oci_files(&layers, json!({}), None, false)));
    let options = WalkOptions {
        threads: 1,
        ..WalkOptions::default()
    };
    let err = walk_image(&image, &options, &[&all()]).expect_err("damaged layer");
    assert_eq!(err.kind, ErrorKind::Corrupt, "{err}");
    assert_eq!(err.layer.as_deref(), image.layers[1].digest.as_deref());
}

#[test]
fn digest_mismatches_are_errors() {
    // A layer whose bytes do not hash to the diff id in the configuration.
    let tar = layer(&[E::File("etc/data", b"original")]);
    let mut files = docker_save_files(std::slice::from_ref(&tar), json!({}), None);
    let tampered = layer(&[E::File("etc/data", b"tampered")]);
    for f in &mut files {
        if f.0 == "layer0/layer.tar" {
            f.1 = tampered.clone();
        }
    }
    let image = open(tar_of(&files));
    let err = walk_image(&image, &WalkOptions::default(), &[&all()]).expect_err("mismatch");
    assert_eq!(err.kind, ErrorKind::Digest);
    assert!(err.to_string().contains("not to its diff id"), "{err}");

    // An OCI blob whose bytes do not hash to its name.
    let mut files = oci_files(
        &[OciLayer::new(tar.clone(), Comp::Gzip)],
        json!({}),
        None,
        false,
    );
    let digest = sha256(&compress(&tar, Comp::Gzip));
    let path = format!("blobs/sha256/{}", digest.trim_start_matches("sha256:"));
    for f in &mut files {
        if f.0 == path {
            let last = f.1.len() - 1;
            f.1[last] ^= 1;
        }
    }
    let image = open(tar_of(&files));
    let err = walk_image(&image, &WalkOptions::default(), &[&all()]).expect_err("mismatch");
    assert!(
        matches!(err.kind, ErrorKind::Digest | ErrorKind::Corrupt),
        "{err}"
    );

    // A configuration that is not what its name says.
    let mut files = docker_save_files(&[tar], json!({}), None);
    for f in &mut files {
        if f.0.ends_with(".json") && f.0 != "manifest.json" {
            f.1.push(b' ');
        }
    }
    let err = open_with(tar_of(&files), &Limits::default()).expect_err("mismatch");
    assert_eq!(err.kind, ErrorKind::Digest);
    assert!(err.to_string().contains("digest mismatch"), "{err}");
}

#[test]
fn archives_that_are_not_images_say_so() {
    let err = open_with(
        tar_of(&[("README".into(), b"hi".to_vec())]),
        &Limits::default(),
    )
    .expect_err("not an image");
    assert_eq!(err.kind, ErrorKind::Format);
    assert!(err.to_string().contains("not a container image"), "{err}");
    let err =
        open_with(b"garbage that is no tar".to_vec(), &Limits::default()).expect_err("not a tar");
    assert_eq!(err.kind, ErrorKind::Format);
    let err = open_with(
        tar_of(&[("manifest.json".into(), b"{not json".to_vec())]),
        &Limits::default(),
    )
    .expect_err("bad manifest");
    assert!(
        err.to_string()
            .starts_with("test.tar: entry `manifest.json`: line 1"),
        "{err}"
    );
}

#[test]
fn files_over_the_size_limit_are_reported_not_read() {
    let image = open(docker_save(
        &[layer(&[
            E::File("big", &[1u8; 4000]),
            E::File("small", b"s"),
        ])],
        json!({}),
        None,
    ));
    let rec = all();
    let options = WalkOptions {
        max_file_size: 1000,
        ..WalkOptions::default()
    };
    walk_image(&image, &options, &[&rec]).expect("walks");
    let seen = rec.seen();
    assert_eq!(seen.len(), 2);
    assert!(seen[0]
        .1
        .as_ref()
        .is_err_and(|e| e.contains("over the 1000-byte limit")));
    assert_eq!(seen[1].1.as_deref(), Ok(b"s".as_slice()));
}

#[test]
fn the_runtime_profile_is_read_from_the_configuration() {
    let image = open(docker_save(
        &[layer(&[])],
        json!({
            "User": "",
            "ExposedPorts": {"8080/tcp": {}, "22/tcp": {}},
            "Env": ["PATH=/usr/bin", "API_TOKEN=abc=def", "EMPTY"],
            "Entrypoint": ["/bin/app"],
            "Cmd": null,
            "Healthcheck": {"Test": ["CMD-SHELL", "curl -f http://localhost/"]},
        }),
        None,
    ));
    let r = &image.runtime;
    assert_eq!(r.user.as_deref(), Some(""));
    assert_eq!(r.exposed_ports, ["22/tcp", "8080/tcp"]);
    assert_eq!(
        r.env,
        [
            ("PATH".to_string(), "/usr/bin".to_string()),
            ("API_TOKEN".to_string(), "abc=def".to_string()),
            ("EMPTY".to_string(), String::new())
        ]
    );
    assert_eq!(r.entrypoint, ["/bin/app"]);
    assert!(r.cmd.is_empty());
    assert_eq!(
        r.healthcheck.as_deref(),
        Some(
            [
                "CMD-SHELL".to_string(),
                "curl -f http://localhost/".to_string()
            ]
            .as_slice()
        )
    );
}

#[test]
fn the_file_system_view_records_modes_and_link_targets() {
    let image = open(docker_save(
        &[layer(&[
            E::File("bin/tool", b"x"),
            E::Symlink("bin/alias", "tool"),
        ])],
        json!({}),
        None,
    ));
    let walked = walk_image(&image, &WalkOptions::default(), &[]).expect("walks");
    let tool = walked.fs.get("bin/tool").expect("file");
    assert!(matches!(
        tool.kind,
        NodeKind::File {
            layer: 0,
            size: 1,
            ..
        }
    ));
    assert_eq!(tool.mode, 0o644);
    assert_eq!(
        walked.fs.get("bin/alias").map(|n| &n.kind),
        Some(&NodeKind::Symlink("tool".into()))
    );
}
