//! CVSS v4.0: the macrovector scoring of section 8 of the specification.
//!
//! The metric values sort the vector into one of 270 macrovectors (equivalence classes EQ1–EQ6),
//! each with a score from the specification's table. The vector's score is its macrovector's,
//! lowered by the mean, over the EQs, of how far the vector lies below the macrovector's
//! highest-severity vectors, as a share of the score gap to the next lower macrovector.

use std::fmt;

use crate::vector::{self, base, optional, MetricDef, Values};
use crate::{CvssError, Scores, Version};

mod lookup;

const AV: usize = 0;
const AC: usize = 1;
const AT: usize = 2;
const PR: usize = 3;
const UI: usize = 4;
const VC: usize = 5;
const VI: usize = 6;
const VA: usize = 7;
const SC: usize = 8;
const SI: usize = 9;
const SA: usize = 10;
const E: usize = 11;
const CR: usize = 12;
const IR: usize = 13;
const AR: usize = 14;
const MAV: usize = 15;
const MAC: usize = 16;
const MAT: usize = 17;
const MPR: usize = 18;
const MUI: usize = 19;
const MVC: usize = 20;
const MVI: usize = 21;
const MVA: usize = 22;
const MSC: usize = 23;
const MSI: usize = 24;
const MSA: usize = 25;

/// Metrics in the order of the specification's vector string: base, threat, environmental,
/// supplemental. Supplemental metrics (`S` to `U`) never change a score.
const TABLE: [MetricDef; 32] = [
    base("AV", &["N", "A", "L", "P"]),
    base("AC", &["L", "H"]),
    base("AT", &["N", "P"]),
    base("PR", &["N", "L", "H"]),
    base("UI", &["N", "P", "A"]),
    base("VC", &["H", "L", "N"]),
    base("VI", &["H", "L", "N"]),
    base("VA", &["H", "L", "N"]),
    base("SC", &["H", "L", "N"]),
    base("SI", &["H", "L", "N"]),
    base("SA", &["H", "L", "N"]),
    optional("E", &["X", "A", "P", "U"]),
    optional("CR", &["X", "H", "M", "L"]),
    optional("IR", &["X", "H", "M", "L"]),
    optional("AR", &["X", "H", "M", "L"]),
    optional("MAV", &["X", "N", "A", "L", "P"]),
    optional("MAC", &["X", "L", "H"]),
    optional("MAT", &["X", "N", "P"]),
    optional("MPR", &["X", "N", "L", "H"]),
    optional("MUI", &["X", "N", "P", "A"]),
    optional("MVC", &["X", "H", "L", "N"]),
    optional("MVI", &["X", "H", "L", "N"]),
    optional("MVA", &["X", "H", "L", "N"]),
    optional("MSC", &["X", "H", "L", "N"]),
    optional("MSI", &["X", "S", "H", "L", "N"]),
    optional("MSA", &["X", "S", "H", "L", "N"]),
    optional("S", &["X", "N", "P"]),
    optional("AU", &["X", "N", "Y"]),
    optional("R", &["X", "A", "U", "I"]),
    optional("V", &["X", "D", "C"]),
    optional("RE", &["X", "L", "M", "H"]),
    optional("U", &["X", "Clear", "Green", "Amber", "Red"]),
];

// Values from the most to the least severe: a value's position is its severity level in steps of
// 0.1, the unit of the specification's severity distances.
const LEVELS_AV: &[&str] = &["N", "A", "L", "P"];
const LEVELS_PR: &[&str] = &["N", "L", "H"];
const LEVELS_UI: &[&str] = &["N", "P", "A"];
const LEVELS_AC: &[&str] = &["L", "H"];
const LEVELS_AT: &[&str] = &["N", "P"];
const LEVELS_IMPACT: &[&str] = &["H", "L", "N"];
const LEVELS_SUBSEQUENT: &[&str] = &["S", "H", "L", "N"];
const LEVELS_REQUIREMENT: &[&str] = &["H", "M", "L"];

// The highest-severity vectors of each level of each EQ, in the reference calculator's order:
// distances are taken from the first one that is at least as severe as the vector in every metric.

/// EQ1 levels 0–2: AV, PR, UI.
const EQ1_MAX: [&[[&str; 3]]; 3] = [
    &[["N", "N", "N"]],
    &[["A", "N", "N"], ["N", "L", "N"], ["N", "N", "P"]],
    &[["P", "N", "N"], ["A", "L", "P"]],
];
/// EQ2 levels 0–1: AC, AT.
const EQ2_MAX: [&[[&str; 2]]; 2] = [&[["L", "N"]], &[["H", "N"], ["L", "P"]]];
/// EQ3 levels 0–2 by EQ6 levels 0–1, which are scored together: VC, VI, VA, CR, IR, AR. EQ3 2
/// excludes EQ6 0 (no VC/VI/VA is High).
const EQ3_EQ6_MAX: [[&[[&str; 6]]; 2]; 3] = [
    [
        &[["H", "H", "H", "H", "H", "H"]],
        &[
            ["H", "H", "L", "M", "M", "H"],
            ["H", "H", "H", "M", "M", "M"],
        ],
    ],
    [
        &[
            ["L", "H", "H", "H", "H", "H"],
            ["H", "L", "H", "H", "H", "H"],
        ],
        &[
            ["L", "H", "L", "H", "M", "H"],
            ["L", "H", "H", "H", "M", "M"],
            ["H", "L", "H", "M", "H", "M"],
            ["H", "L", "L", "M", "H", "H"],
            ["L", "L", "H", "H", "H", "M"],
        ],
    ],
    [&[], &[["L", "L", "L", "H", "H", "H"]]],
];
/// EQ4 levels 0–2: SC, SI, SA.
const EQ4_MAX: [&[[&str; 3]]; 3] = [&[["H", "S", "S"]], &[["H", "H", "H"]], &[["L", "L", "L"]]];

// How many 0.1 steps of severity distance each EQ level spans ("max severity" of the reference).
const EQ1_DEPTH: [f64; 3] = [1.0, 4.0, 5.0];
const EQ2_DEPTH: [f64; 2] = [1.0, 2.0];
/// Indexed [eq3][eq6]; EQ3 2 with EQ6 0 cannot occur and repeats its neighbour.
const EQ3_EQ6_DEPTH: [[f64; 2]; 3] = [[7.0, 6.0], [8.0, 8.0], [10.0, 10.0]];
const EQ4_DEPTH: [f64; 3] = [6.0, 5.0, 4.0];

/// Lifts a score before rounding half up, so that a float a hair below an exact `x.x5` (say
/// 8.549999999999999 for 8.55) rounds up as the exact value does. Exact scores are multiples of
/// 1/42000 at the finest (tenths, times 840 for the depths, times at most five EQs averaged), so
/// nothing that truly lies below a half comes within 1e-6 of it.
const EPSILON: f64 = 1e-6;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Metrics {
    values: Values<32>,
}

/// The values the equations see, after the chosen metric groups have been applied.
#[derive(Debug)]
struct Effective {
    av: &'static str,
    ac: &'static str,
    at: &'static str,
    pr: &'static str,
    ui: &'static str,
    vc: &'static str,
    vi: &'static str,
    va: &'static str,
    sc: &'static str,
    si: &'static str,
    sa: &'static str,
    e: &'static str,
    cr: &'static str,
    ir: &'static str,
    ar: &'static str,
}

impl Metrics {
    pub(crate) fn parse(vector: &str, body: &str) -> Result<Metrics, CvssError> {
        let values = vector::parse(vector, body, Version::V4_0, &TABLE)?;
        Ok(Metrics { values })
    }

    fn value(&self, slot: usize) -> &'static str {
        TABLE[slot].values[vector::get(&self.values, slot)]
    }

    pub(crate) fn scores(&self) -> Scores {
        let base = score(&self.effective(false, false));
        let temporal =
            vector::any_defined(&self.values, &[E]).then(|| score(&self.effective(true, false)));
        let environmental = vector::any_defined(
            &self.values,
            &[
                CR, IR, AR, MAV, MAC, MAT, MPR, MUI, MVC, MVI, MVA, MSC, MSI, MSA,
            ],
        )
        .then(|| score(&self.effective(true, true)));
        Scores {
            base,
            temporal,
            environmental,
        }
    }

    /// The values seen with the threat and/or environmental metrics applied. Not Defined reads as
    /// the worst case: Exploit Maturity Attacked, security requirements High, modified metrics as
    /// their base metric.
    fn effective(&self, threat: bool, environmental: bool) -> Effective {
        let pick = |base: usize, modified: usize| match self.value(modified) {
            value if environmental && value != "X" => value,
            _ => self.value(base),
        };
        let defined_or = |slot: usize, worst: &'static str, applies: bool| match self.value(slot) {
            value if applies && value != "X" => value,
            _ => worst,
        };
        Effective {
            av: pick(AV, MAV),
            ac: pick(AC, MAC),
            at: pick(AT, MAT),
            pr: pick(PR, MPR),
            ui: pick(UI, MUI),
            vc: pick(VC, MVC),
            vi: pick(VI, MVI),
            va: pick(VA, MVA),
            sc: pick(SC, MSC),
            si: pick(SI, MSI),
            sa: pick(SA, MSA),
            e: defined_or(E, "A", threat),
            cr: defined_or(CR, "H", environmental),
            ir: defined_or(IR, "H", environmental),
            ar: defined_or(AR, "H", environmental),
        }
    }

    pub(crate) fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        vector::write(f, "CVSS:4.0/", &TABLE, &self.values)
    }
}

/// The score of effective values, in tenths.
fn score(v: &Effective) -> u8 {
    let impacts = [v.vc, v.vi, v.va, v.sc, v.si, v.sa];
    if impacts.iter().all(|impact| *impact == "N") {
        return 0;
    }

    let eq1 = if v.av == "N" && v.pr == "N" && v.ui == "N" {
        0
    } else if (v.av == "N" || v.pr == "N" || v.ui == "N") && v.av != "P" {
        1
    } else {
        2
    };
    let eq2 = if v.ac == "L" && v.at == "N" { 0 } else { 1 };
    let eq3 = if v.vc == "H" && v.vi == "H" {
        0
    } else if v.vc == "H" || v.vi == "H" || v.va == "H" {
        1
    } else {
        2
    };
    let eq4 = if v.si == "S" || v.sa == "S" {
        0
    } else if v.sc == "H" || v.si == "H" || v.sa == "H" {
        1
    } else {
        2
    };
    let eq5 = match v.e {
        "A" => 0,
        "P" => 1,
        _ => 2,
    };
    let eq6 = if (v.cr == "H" && v.vc == "H")
        || (v.ir == "H" && v.vi == "H")
        || (v.ar == "H" && v.va == "H")
    {
        0
    } else {
        1
    };
    let macrovector = [eq1, eq2, eq3, eq4, eq5, eq6];
    let Some(value) = macrovector_score(macrovector) else {
        // Every macrovector the equations above can produce is in the table.
        return 0;
    };

    let lower = |eq: usize| {
        let mut next = macrovector;
        next[eq] += 1;
        macrovector_score(next)
    };
    // EQ3 and EQ6 step down together; from (0, 0) either may, and the higher score counts.
    let eq3_eq6_lower = match (eq3, eq6) {
        (0, 0) => lower(5).zip(lower(2)).map(|(left, right)| left.max(right)),
        (0 | 1, 1) => lower(2),
        (1, 0) => lower(5),
        _ => None,
    };

    let eq1_steps = distance(
        [(v.av, LEVELS_AV), (v.pr, LEVELS_PR), (v.ui, LEVELS_UI)],
        EQ1_MAX[eq1],
    );
    let eq2_steps = distance([(v.ac, LEVELS_AC), (v.at, LEVELS_AT)], EQ2_MAX[eq2]);
    let eq3_eq6_steps = distance(
        [
            (v.vc, LEVELS_IMPACT),
            (v.vi, LEVELS_IMPACT),
            (v.va, LEVELS_IMPACT),
            (v.cr, LEVELS_REQUIREMENT),
            (v.ir, LEVELS_REQUIREMENT),
            (v.ar, LEVELS_REQUIREMENT),
        ],
        EQ3_EQ6_MAX[eq3][eq6],
    );
    let eq4_steps = distance(
        [
            (v.sc, LEVELS_SUBSEQUENT),
            (v.si, LEVELS_SUBSEQUENT),
            (v.sa, LEVELS_SUBSEQUENT),
        ],
        EQ4_MAX[eq4],
    );

    let groups = [
        (lower(0), eq1_steps, EQ1_DEPTH[eq1]),
        (lower(1), eq2_steps, EQ2_DEPTH[eq2]),
        (eq3_eq6_lower, eq3_eq6_steps, EQ3_EQ6_DEPTH[eq3][eq6]),
        (lower(3), eq4_steps, EQ4_DEPTH[eq4]),
        // EQ5 has a single value per level, so the vector is always at its maximum.
        (lower(4), 0, 1.0),
    ];
    let mut existing_lower = 0u32;
    let mut total = 0.0;
    for (lower, steps, depth) in groups {
        let Some(lower) = lower else { continue };
        let available = value - lower;
        // A "lower" macrovector that scores higher gives no room to interpolate in.
        if available >= 0.0 {
            existing_lower += 1;
            total += available * (f64::from(steps) / depth);
        }
    }
    let mean = if existing_lower == 0 {
        0.0
    } else {
        total / f64::from(existing_lower)
    };
    let score = (value - mean).clamp(0.0, 10.0);
    let tenths = ((score + EPSILON) * 10.0).round();
    u8::try_from((tenths as i64).clamp(0, 100)).expect("clamped to 0..=100")
}

/// Severity distance, in 0.1 steps, of one EQ's values from the first of its highest-severity
/// vectors that is at least as severe in every metric. Each EQ level's list has one for every
/// vector of that level (the reference falls back to the last one listed, which is never needed).
fn distance<const K: usize>(values: [(&str, &[&str]); K], maxima: &[[&str; K]]) -> i32 {
    let mut steps_to_last = 0;
    for max in maxima {
        let steps: Vec<i32> = values
            .iter()
            .zip(max)
            .map(|((value, levels), max)| level(levels, value) - level(levels, max))
            .collect();
        steps_to_last = steps.iter().sum();
        if steps.iter().all(|&step| step >= 0) {
            return steps_to_last;
        }
    }
    steps_to_last
}

fn level(levels: &[&str], value: &str) -> i32 {
    // Values come from `TABLE` and the maxima, which the tests check against these lists.
    levels
        .iter()
        .position(|known| *known == value)
        .map_or(0, |position| position as i32)
}

fn macrovector_score(eqs: [usize; 6]) -> Option<f64> {
    let key = eqs.map(|eq| (eq as u8).saturating_add(b'0'));
    lookup::MACROVECTOR_SCORES
        .binary_search_by(|(macrovector, _)| macrovector.as_bytes().cmp(&key[..]))
        .ok()
        .map(|index| lookup::MACROVECTOR_SCORES[index].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_table_is_sorted_and_complete() {
        let keys: Vec<&str> = lookup::MACROVECTOR_SCORES.iter().map(|(k, _)| *k).collect();
        assert!(keys.windows(2).all(|pair| pair[0] < pair[1]));
        for eq1 in 0..3 {
            for eq2 in 0..2 {
                for (eq3, eq6) in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 1)] {
                    for eq4 in 0..3 {
                        for eq5 in 0..3 {
                            let mv = [eq1, eq2, eq3, eq4, eq5, eq6];
                            assert!(macrovector_score(mv).is_some(), "{mv:?}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn maxima_use_known_values() {
        let known = |levels: &[&str], value: &str| assert!(levels.contains(&value), "{value}");
        for max in EQ1_MAX.iter().flat_map(|level| level.iter()) {
            known(LEVELS_AV, max[0]);
            known(LEVELS_PR, max[1]);
            known(LEVELS_UI, max[2]);
        }
        for max in EQ2_MAX.iter().flat_map(|level| level.iter()) {
            known(LEVELS_AC, max[0]);
            known(LEVELS_AT, max[1]);
        }
        for max in EQ3_EQ6_MAX.iter().flatten().flat_map(|level| level.iter()) {
            for impact in &max[..3] {
                known(LEVELS_IMPACT, impact);
            }
            for requirement in &max[3..] {
                known(LEVELS_REQUIREMENT, requirement);
            }
        }
        for max in EQ4_MAX.iter().flat_map(|level| level.iter()) {
            for value in max {
                known(LEVELS_SUBSEQUENT, value);
            }
        }
        for def in &TABLE[..SA + 1] {
            for value in def.values {
                let levels = match def.name {
                    "AV" => LEVELS_AV,
                    "AC" => LEVELS_AC,
                    "AT" => LEVELS_AT,
                    "PR" => LEVELS_PR,
                    "UI" => LEVELS_UI,
                    "SC" | "SI" | "SA" => LEVELS_SUBSEQUENT,
                    _ => LEVELS_IMPACT,
                };
                known(levels, value);
            }
        }
    }
}
