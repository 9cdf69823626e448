//! CVSS v3.0 and v3.1: the equations of section 7 of each specification.
//!
//! The equations run in `f64` like the reference calculators. v3.1 rounds with the floating-point
//! safe `Roundup` of its Appendix A. v3.0 defines Roundup as the smallest number with one decimal
//! that is not below its input; taken literally on floats that turns products such as
//! `10 × 0.92 = 9.200000000000001` into 9.3, so the v3.0 rounding first drops float noise far below
//! the precision of the metric weights (see [`roundup_v30`]).

use std::fmt;

use crate::vector::{self, base, optional, MetricDef, Values};
use crate::{CvssError, Scores, Version};

/// Which v3 specification a vector follows; the equations differ in Roundup and in the
/// environmental impact for a changed scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Minor {
    Zero,
    One,
}

const AV: usize = 0;
const AC: usize = 1;
const PR: usize = 2;
const UI: usize = 3;
const S: usize = 4;
const C: usize = 5;
const I: usize = 6;
const A: usize = 7;
const E: usize = 8;
const RL: usize = 9;
const RC: usize = 10;
const CR: usize = 11;
const IR: usize = 12;
const AR: usize = 13;
const MAV: usize = 14;
const MAC: usize = 15;
const MPR: usize = 16;
const MUI: usize = 17;
const MS: usize = 18;
const MC: usize = 19;
const MI: usize = 20;
const MA: usize = 21;

/// Metrics in the order of the specification's vector string. A modified metric lists `X` and then
/// the values of its base metric in the same order, so that value `k + 1` of `MAV` is value `k`
/// of `AV`.
const TABLE: [MetricDef; 22] = [
    base("AV", &["N", "A", "L", "P"]),
    base("AC", &["L", "H"]),
    base("PR", &["N", "L", "H"]),
    base("UI", &["N", "R"]),
    base("S", &["U", "C"]),
    base("C", &["H", "L", "N"]),
    base("I", &["H", "L", "N"]),
    base("A", &["H", "L", "N"]),
    optional("E", &["X", "H", "F", "P", "U"]),
    optional("RL", &["X", "U", "W", "T", "O"]),
    optional("RC", &["X", "C", "R", "U"]),
    optional("CR", &["X", "H", "M", "L"]),
    optional("IR", &["X", "H", "M", "L"]),
    optional("AR", &["X", "H", "M", "L"]),
    optional("MAV", &["X", "N", "A", "L", "P"]),
    optional("MAC", &["X", "L", "H"]),
    optional("MPR", &["X", "N", "L", "H"]),
    optional("MUI", &["X", "N", "R"]),
    optional("MS", &["X", "U", "C"]),
    optional("MC", &["X", "H", "L", "N"]),
    optional("MI", &["X", "H", "L", "N"]),
    optional("MA", &["X", "H", "L", "N"]),
];

// Weights, indexed like the base metrics' values in `TABLE`.
const W_AV: [f64; 4] = [0.85, 0.62, 0.55, 0.2];
const W_AC: [f64; 2] = [0.77, 0.44];
const W_PR_UNCHANGED: [f64; 3] = [0.85, 0.62, 0.27];
const W_PR_CHANGED: [f64; 3] = [0.85, 0.68, 0.5];
const W_UI: [f64; 2] = [0.85, 0.62];
const W_CIA: [f64; 3] = [0.56, 0.22, 0.0];
// Indexed like the optional metrics' values, Not Defined first.
const W_E: [f64; 5] = [1.0, 1.0, 0.97, 0.94, 0.91];
const W_RL: [f64; 5] = [1.0, 1.0, 0.97, 0.96, 0.95];
const W_RC: [f64; 4] = [1.0, 1.0, 0.96, 0.92];
const W_REQ: [f64; 4] = [1.0, 1.5, 1.0, 0.5];

const SCOPE_CHANGED: usize = 1;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Metrics {
    minor: Minor,
    values: Values<22>,
}

/// The exploitability and impact inputs of one score: the base metrics, or the modified ones.
struct Inputs {
    av: usize,
    ac: usize,
    pr: usize,
    ui: usize,
    changed: bool,
    c: f64,
    i: f64,
    a: f64,
}

impl Metrics {
    pub(crate) fn parse(vector: &str, body: &str, minor: Minor) -> Result<Metrics, CvssError> {
        let version = match minor {
            Minor::Zero => Version::V3_0,
            Minor::One => Version::V3_1,
        };
        let values = vector::parse(vector, body, version, &TABLE)?;
        Ok(Metrics { minor, values })
    }

    pub(crate) fn version(&self) -> Version {
        match self.minor {
            Minor::Zero => Version::V3_0,
            Minor::One => Version::V3_1,
        }
    }

    fn get(&self, slot: usize) -> usize {
        vector::get(&self.values, slot)
    }

    /// The value of a modified metric, which is its base metric's where Not Defined.
    fn modified(&self, modified: usize, base: usize) -> usize {
        match self.get(modified) {
            0 => self.get(base),
            k => k - 1,
        }
    }

    pub(crate) fn scores(&self) -> Scores {
        let base = self.base_score();
        let temporal_factor = W_E[self.get(E)] * W_RL[self.get(RL)] * W_RC[self.get(RC)];
        let temporal = vector::any_defined(&self.values, &[E, RL, RC])
            .then(|| self.roundup(f64::from(base) / 10.0 * temporal_factor));
        let environmental = vector::any_defined(
            &self.values,
            &[CR, IR, AR, MAV, MAC, MPR, MUI, MS, MC, MI, MA],
        )
        .then(|| self.environmental_score());
        Scores {
            base,
            temporal,
            environmental,
        }
    }

    fn base_score(&self) -> u8 {
        let inputs = Inputs {
            av: self.get(AV),
            ac: self.get(AC),
            pr: self.get(PR),
            ui: self.get(UI),
            changed: self.get(S) == SCOPE_CHANGED,
            c: W_CIA[self.get(C)],
            i: W_CIA[self.get(I)],
            a: W_CIA[self.get(A)],
        };
        let iss = 1.0 - (1.0 - inputs.c) * (1.0 - inputs.i) * (1.0 - inputs.a);
        let impact = if inputs.changed {
            7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powf(15.0)
        } else {
            6.42 * iss
        };
        self.impact_and_exploitability(&inputs, impact)
    }

    fn environmental_score(&self) -> u8 {
        let modified_scope = match self.get(MS) {
            0 => self.get(S),
            k => k - 1,
        };
        let inputs = Inputs {
            av: self.modified(MAV, AV),
            ac: self.modified(MAC, AC),
            pr: self.modified(MPR, PR),
            ui: self.modified(MUI, UI),
            changed: modified_scope == SCOPE_CHANGED,
            c: W_CIA[self.modified(MC, C)] * W_REQ[self.get(CR)],
            i: W_CIA[self.modified(MI, I)] * W_REQ[self.get(IR)],
            a: W_CIA[self.modified(MA, A)] * W_REQ[self.get(AR)],
        };
        let miss = (1.0 - (1.0 - inputs.c) * (1.0 - inputs.i) * (1.0 - inputs.a)).min(0.915);
        let impact = match (inputs.changed, self.minor) {
            (false, _) => 6.42 * miss,
            (true, Minor::Zero) => 7.52 * (miss - 0.029) - 3.25 * (miss - 0.02).powf(15.0),
            (true, Minor::One) => 7.52 * (miss - 0.029) - 3.25 * (miss * 0.9731 - 0.02).powf(13.0),
        };
        let modified = self.impact_and_exploitability(&inputs, impact);
        if modified == 0 {
            return 0;
        }
        self.roundup(
            f64::from(modified) / 10.0 * W_E[self.get(E)] * W_RL[self.get(RL)] * W_RC[self.get(RC)],
        )
    }

    /// The part the base and the modified base score share, once the impact is known.
    fn impact_and_exploitability(&self, inputs: &Inputs, impact: f64) -> u8 {
        if impact <= 0.0 {
            return 0;
        }
        let pr = if inputs.changed {
            W_PR_CHANGED[inputs.pr]
        } else {
            W_PR_UNCHANGED[inputs.pr]
        };
        let exploitability = 8.22 * W_AV[inputs.av] * W_AC[inputs.ac] * pr * W_UI[inputs.ui];
        if inputs.changed {
            self.roundup((1.08 * (impact + exploitability)).min(10.0))
        } else {
            self.roundup((impact + exploitability).min(10.0))
        }
    }

    fn roundup(&self, x: f64) -> u8 {
        match self.minor {
            Minor::Zero => roundup_v30(x),
            Minor::One => roundup_v31(x),
        }
    }

    pub(crate) fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = match self.minor {
            Minor::Zero => "CVSS:3.0/",
            Minor::One => "CVSS:3.1/",
        };
        vector::write(f, prefix, &TABLE, &self.values)
    }
}

/// v3.1 Appendix A `Roundup`, in tenths: round to five decimals first, so that float noise below
/// them cannot push a score up a tenth.
fn roundup_v31(x: f64) -> u8 {
    let hundred_thousandths = (x * 100_000.0).round() as i64;
    let tenths = if hundred_thousandths % 10_000 == 0 {
        hundred_thousandths / 10_000
    } else {
        hundred_thousandths.div_euclid(10_000) + 1
    };
    clamp_tenths(tenths)
}

/// v3.0 Roundup, in tenths: the smallest tenth not below `x`. The exact values of the
/// unchanged-scope equations and of the temporal step lie on a grid of 1e-10 (products of weights
/// with two decimals), so a float within 1e-11 of a tenth is that tenth plus float noise. The
/// changed-scope power term has no such grid; there, too, an excess below 1e-11 is taken for noise,
/// and the comparison with exact arithmetic over every v3.0 environmental vector finds no score it
/// changes.
fn roundup_v30(x: f64) -> u8 {
    let scaled = x * 10.0;
    let nearest = scaled.round();
    let tenths = if (scaled - nearest).abs() < 1e-10 {
        nearest
    } else {
        scaled.ceil()
    };
    clamp_tenths(tenths as i64)
}

fn clamp_tenths(tenths: i64) -> u8 {
    u8::try_from(tenths.clamp(0, 100)).expect("clamped to 0..=100")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundup_v31_follows_appendix_a() {
        assert_eq!(roundup_v31(4.000_000_000_000_001), 40);
        assert_eq!(roundup_v31(4.02), 41);
        assert_eq!(roundup_v31(4.0), 40);
        assert_eq!(roundup_v31(0.0), 0);
    }

    #[test]
    fn roundup_v30_ignores_float_noise_only() {
        assert_eq!(roundup_v30(10.0 * 0.92), 92);
        assert_eq!(roundup_v30(9.2000001), 93);
        assert_eq!(roundup_v30(4.02), 41);
    }
}
