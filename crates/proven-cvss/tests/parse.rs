//! Rejection of malformed vectors, the messages that say why, order tolerance, and that no input
//! makes the parser panic.

use proven_cvss::{parse, CvssError, Severity, Version};

const V2: &str = "AV:N/AC:L/Au:N/C:P/I:P/A:P";
const V30: &str = "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
const V31: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
const V40: &str = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";

fn error(vector: &str) -> CvssError {
    match parse(vector) {
        Ok(cvss) => panic!("{vector} parsed as {cvss}"),
        Err(error) => error,
    }
}

#[test]
fn reads_each_version() {
    let cases = [
        (V2, Version::V2, 7.5, Severity::High),
        (V30, Version::V3_0, 9.8, Severity::Critical),
        (V31, Version::V3_1, 9.8, Severity::Critical),
        (V40, Version::V4_0, 9.3, Severity::Critical),
    ];
    for (vector, version, score, severity) in cases {
        let cvss = parse(vector).expect("valid vector");
        assert_eq!(cvss.version(), version, "{vector}");
        assert_eq!(cvss.base_score(), score, "{vector}");
        assert_eq!(cvss.severity(), severity, "{vector}");
        assert_eq!(cvss.to_string(), vector);
        assert_eq!(cvss.temporal_score(), None);
        assert_eq!(cvss.environmental_score(), None);
        assert_eq!(vector.parse::<proven_cvss::Cvss>(), Ok(cvss));
    }
}

#[test]
fn order_is_free_and_normalised() {
    let cvss = parse("CVSS:3.1/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N/E:X/RL:O").expect("valid");
    assert_eq!(cvss.base_score(), 9.8);
    assert_eq!(cvss.temporal_score(), Some(9.4));
    assert_eq!(
        cvss.to_string(),
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/RL:O"
    );
    assert_eq!(
        parse(&format!("{V40}/E:X/CR:X/U:X")),
        parse(&format!("{V40}/U:X/CR:X"))
    );
    assert_eq!(parse(&format!("{V40}/E:X")), parse(V40));
    let cvss = parse("SA:N/CVSS:4.0/AV:N");
    assert!(
        matches!(cvss, Err(CvssError::UnknownMetric { .. })),
        "{cvss:?}"
    );
}

#[test]
fn v2_zero_is_low() {
    let cvss = parse("AV:N/AC:L/Au:N/C:N/I:N/A:N").expect("valid");
    assert_eq!(cvss.base_score(), 0.0);
    assert_eq!(cvss.severity(), Severity::Low);
    let cvss = parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N").expect("valid");
    assert_eq!(cvss.severity(), Severity::None);
}

#[test]
fn empty() {
    assert_eq!(error(""), CvssError::Empty);
}

#[test]
fn missing_metric() {
    let vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H";
    assert_eq!(
        error(vector),
        CvssError::MissingMetric {
            vector: vector.into(),
            version: Version::V3_1,
            missing: "A".into(),
            expected: "AV, AC, PR, UI, S, C, I, A".into(),
        }
    );
    assert_eq!(
        error(vector).to_string(),
        "CVSS vector `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H`: missing base metric A, a CVSS \
         v3.1 vector needs each of AV, AC, PR, UI, S, C, I, A"
    );
    let missing = |vector: &str| match error(vector) {
        CvssError::MissingMetric { missing, .. } => missing,
        other => panic!("{vector}: {other}"),
    };
    assert_eq!(missing("AV:N/AC:L/Au:N/C:P/I:P"), "A");
    assert_eq!(
        missing("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H"),
        "SC, SI, SA"
    );
    assert_eq!(missing("CVSS:3.0/E:H"), "AV, AC, PR, UI, S, C, I, A");
    assert_eq!(missing("CVSS:3.1"), "AV, AC, PR, UI, S, C, I, A");
    assert_eq!(missing("CVSS:3.1/"), "AV, AC, PR, UI, S, C, I, A");
    assert_eq!(
        missing("CVSS:4.0"),
        "AV, AC, AT, PR, UI, VC, VI, VA, SC, SI, SA"
    );
}

#[test]
fn duplicate_metric() {
    for vector in [
        format!("{V31}/A:H"),
        format!("{V31}/E:X/E:X"),
        format!("{V2}/AV:L"),
        format!("{V40}/U:Red/U:Clear"),
    ] {
        assert!(
            matches!(error(&vector), CvssError::DuplicateMetric { .. }),
            "{vector}"
        );
    }
    assert_eq!(
        error(&format!("{V30}/AV:N")).to_string(),
        format!("CVSS vector `{V30}/AV:N`: metric `AV` appears more than once, expected it once")
    );
}

#[test]
fn unknown_value() {
    let vector = "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
    assert_eq!(
        error(vector),
        CvssError::UnknownValue {
            vector: vector.into(),
            version: Version::V3_1,
            metric: "AV".into(),
            value: "X".into(),
            expected: "N, A, L, P".into(),
        }
    );
    for vector in [
        format!("{V31}/MS:S"),
        format!("{V40}/U:red"),
        format!("{V40}/MSC:S"),
        format!("{V40}/E:"),
        "AV:N/AC:L/Au:N/C:P/I:P/A:P/E:X".to_owned(),
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N".to_owned(),
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H:H".to_owned(),
        "CVSS:3.1/AV:N AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".to_owned(),
    ] {
        assert!(
            matches!(error(&vector), CvssError::UnknownValue { .. }),
            "{vector}"
        );
    }
}

#[test]
fn unknown_metric() {
    let vector = "CVSS:3.1/AV:N/AC:L/AT:N/PR:N/UI:N/S:U/C:H/I:H/A:H";
    let CvssError::UnknownMetric {
        metric, expected, ..
    } = error(vector)
    else {
        panic!("{vector}");
    };
    assert_eq!(metric, "AT");
    assert!(
        expected.starts_with("AV, AC, PR, UI, S, C, I, A, E, RL"),
        "{expected}"
    );
    for vector in [
        format!("{V31}/av:N"),
        format!("{V40}/MS:X"),
        format!("{V2}/S:U"),
        "cvss:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".to_owned(),
        "(AV:N/AC:L/Au:N/C:P/I:P/A:P)".to_owned(),
        format!(" {V31}"),
    ] {
        assert!(
            matches!(error(&vector), CvssError::UnknownMetric { .. }),
            "{vector}"
        );
    }
}

#[test]
fn garbage() {
    assert_eq!(
        error("hello"),
        CvssError::MalformedField {
            vector: "hello".into(),
            field: "hello".into()
        }
    );
    assert_eq!(
        error("CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P"),
        CvssError::UnknownPrefix {
            vector: "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P".into(),
            prefix: "CVSS:2.0".into()
        }
    );
    for vector in ["CVSS:3.2/AV:N", "CVSS:", "CVSS:3.1.0/AV:N", "CVSS:2.0"] {
        assert!(
            matches!(error(vector), CvssError::UnknownPrefix { .. }),
            "{vector}"
        );
    }
    for vector in [
        format!("{V31}/"),
        format!("{V40}//E:A"),
        "/AV:N/AC:L/Au:N/C:P/I:P/A:P".to_owned(),
        "/".to_owned(),
    ] {
        assert!(
            matches!(error(&vector), CvssError::EmptyField { .. }),
            "{vector}"
        );
    }
    for vector in ["AV:N/AC:L/Au:N/C:P/I:P/A", "9.8", "\u{feff}"] {
        assert!(
            matches!(
                error(vector),
                CvssError::MalformedField { .. } | CvssError::UnknownMetric { .. }
            ),
            "{vector}"
        );
    }
}

/// Cuts, splices and byte substitutions of valid vectors: each must parse or be rejected, never
/// panic, and what parses must print a vector that parses to the same scores.
#[test]
fn never_panics() {
    let corpus: Vec<&str> = [
        include_str!("vectors/cvss2.tsv"),
        include_str!("vectors/cvss3.tsv"),
        include_str!("vectors/cvss4.tsv"),
    ]
    .iter()
    .flat_map(|tsv| {
        tsv.lines()
            .filter(|line| !line.starts_with('#'))
            .step_by(97)
    })
    .filter_map(|line| line.split('\t').next())
    .collect();
    assert!(corpus.len() > 150);
    let replacements = [
        "",
        "/",
        ":",
        "X",
        "CVSS:4.0/",
        "\u{e9}",
        "\u{1f600}",
        "\0",
        "//",
    ];
    let mut outcomes = 0usize;
    for vector in &corpus {
        let boundaries: Vec<usize> = (0..=vector.len())
            .filter(|&i| vector.is_char_boundary(i))
            .collect();
        for &at in &boundaries {
            for replacement in replacements {
                let next = vector[at..].chars().next().map_or(0, char::len_utf8);
                let mutated = format!("{}{replacement}{}", &vector[..at], &vector[at + next..]);
                check(&mutated);
                outcomes += 1;
            }
            check(&vector[..at]);
            check(&format!("{}{}", &vector[at..], &vector[..at]));
        }
    }
    assert!(outcomes > 10_000);
}

fn check(input: &str) {
    if let Ok(cvss) = parse(input) {
        let printed = cvss.to_string();
        let again = parse(&printed).unwrap_or_else(|error| panic!("{input} -> {printed}: {error}"));
        assert_eq!(again.base_score(), cvss.base_score(), "{input}");
        assert_eq!(again.to_string(), printed, "{input}");
        assert!((0.0..=10.0).contains(&cvss.base_score()), "{input}");
    }
}
