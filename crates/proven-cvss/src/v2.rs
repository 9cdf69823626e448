//! CVSS v2: the equations of section 3.2 of the v2 guide.
//!
//! v2 rounds half up to one decimal at several steps, and products of its three-decimal weights
//! land exactly on halves (a temporal score of 7.45, say), where `f64` would round either way. So
//! the equations run on exact decimals: integers with a power-of-ten scale.

use std::fmt;

use crate::vector::{self, base, optional, MetricDef, Values};
use crate::{CvssError, Scores, Version};

const AV: usize = 0;
const AC: usize = 1;
const AU: usize = 2;
const C: usize = 3;
const I: usize = 4;
const A: usize = 5;
const E: usize = 6;
const RL: usize = 7;
const RC: usize = 8;
const CDP: usize = 9;
const TD: usize = 10;
const CR: usize = 11;
const IR: usize = 12;
const AR: usize = 13;

/// Metrics in the order of the guide's vector string; optional metrics list Not Defined (`ND`)
/// first.
const TABLE: [MetricDef; 14] = [
    base("AV", &["L", "A", "N"]),
    base("AC", &["H", "M", "L"]),
    base("Au", &["M", "S", "N"]),
    base("C", &["N", "P", "C"]),
    base("I", &["N", "P", "C"]),
    base("A", &["N", "P", "C"]),
    optional("E", &["ND", "U", "POC", "F", "H"]),
    optional("RL", &["ND", "OF", "TF", "W", "U"]),
    optional("RC", &["ND", "UC", "UR", "C"]),
    optional("CDP", &["ND", "N", "L", "LM", "MH", "H"]),
    optional("TD", &["ND", "N", "L", "M", "H"]),
    optional("CR", &["ND", "L", "M", "H"]),
    optional("IR", &["ND", "L", "M", "H"]),
    optional("AR", &["ND", "L", "M", "H"]),
];

// Weights in thousandths, indexed like the values in `TABLE`.
const W_AV: [i128; 3] = [395, 646, 1000];
const W_AC: [i128; 3] = [350, 610, 710];
const W_AU: [i128; 3] = [450, 560, 704];
const W_CIA: [i128; 3] = [0, 275, 660];
const W_E: [i128; 5] = [1000, 850, 900, 950, 1000];
const W_RL: [i128; 5] = [1000, 870, 900, 950, 1000];
const W_RC: [i128; 4] = [1000, 900, 950, 1000];
const W_CDP: [i128; 6] = [0, 0, 100, 300, 400, 500];
const W_TD: [i128; 5] = [1000, 0, 250, 750, 1000];
const W_REQ: [i128; 4] = [1000, 500, 1000, 1510];

/// An exact decimal: `units × 10^-scale`. The largest intermediate of the v2 equations has scale
/// 24 and stays below 10^26, far inside `i128`.
#[derive(Debug, Clone, Copy)]
struct Dec {
    units: i128,
    scale: u32,
}

impl Dec {
    const fn new(units: i128, scale: u32) -> Dec {
        Dec { units, scale }
    }

    /// A weight from its thousandths.
    const fn milli(units: i128) -> Dec {
        Dec::new(units, 3)
    }

    fn tenths(tenths: u8) -> Dec {
        Dec::new(i128::from(tenths), 1)
    }

    fn rescale(self, scale: u32) -> i128 {
        self.units * 10i128.pow(scale - self.scale)
    }

    fn mul(self, other: Dec) -> Dec {
        Dec::new(self.units * other.units, self.scale + other.scale)
    }

    fn add(self, other: Dec) -> Dec {
        let scale = self.scale.max(other.scale);
        Dec::new(self.rescale(scale) + other.rescale(scale), scale)
    }

    fn sub(self, other: Dec) -> Dec {
        self.add(Dec::new(-other.units, other.scale))
    }

    fn min(self, other: Dec) -> Dec {
        let scale = self.scale.max(other.scale);
        if self.rescale(scale) <= other.rescale(scale) {
            self
        } else {
            other
        }
    }

    fn is_zero(self) -> bool {
        self.units == 0
    }

    /// Rounded half up to one decimal, in tenths, negative results as 0.
    fn round_tenths(self) -> u8 {
        let tenths = if self.scale == 0 {
            self.units * 10
        } else {
            let unit = 10i128.pow(self.scale - 1);
            (self.units * 2 + unit).div_euclid(unit * 2)
        };
        u8::try_from(tenths.clamp(0, 100)).expect("clamped to 0..=100")
    }
}

const ONE: Dec = Dec::new(1, 0);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Metrics {
    values: Values<14>,
}

impl Metrics {
    pub(crate) fn parse(vector: &str) -> Result<Metrics, CvssError> {
        let values = vector::parse(vector, vector, Version::V2, &TABLE)?;
        Ok(Metrics { values })
    }

    fn get(&self, slot: usize) -> usize {
        vector::get(&self.values, slot)
    }

    fn weight(&self, slot: usize, weights: &[i128]) -> Dec {
        Dec::milli(weights[self.get(slot)])
    }

    pub(crate) fn scores(&self) -> Scores {
        let base = self.base_score(self.impact());
        let temporal =
            vector::any_defined(&self.values, &[E, RL, RC]).then(|| self.temporal_score(base));
        let environmental = vector::any_defined(&self.values, &[CDP, TD, CR, IR, AR])
            .then(|| self.environmental_score());
        Scores {
            base,
            temporal,
            environmental,
        }
    }

    /// Impact = 10.41 × (1 − (1 − ConfImpact) × (1 − IntegImpact) × (1 − AvailImpact))
    fn impact(&self) -> Dec {
        let spared = [C, I, A]
            .iter()
            .map(|&slot| ONE.sub(self.weight(slot, &W_CIA)))
            .fold(ONE, Dec::mul);
        Dec::new(1041, 2).mul(ONE.sub(spared))
    }

    /// AdjustedImpact = min(10, 10.41 × (1 − (1 − ConfImpact × ConfReq) × ...))
    fn adjusted_impact(&self) -> Dec {
        let spared = [(C, CR), (I, IR), (A, AR)]
            .iter()
            .map(|&(impact, requirement)| {
                ONE.sub(
                    self.weight(impact, &W_CIA)
                        .mul(self.weight(requirement, &W_REQ)),
                )
            })
            .fold(ONE, Dec::mul);
        Dec::new(1041, 2).mul(ONE.sub(spared)).min(Dec::new(10, 0))
    }

    /// BaseScore = round_to_1_decimal(((0.6 × Impact) + (0.4 × Exploitability) − 1.5) × f(Impact))
    fn base_score(&self, impact: Dec) -> u8 {
        if impact.is_zero() {
            return 0;
        }
        let exploitability = Dec::new(20, 0)
            .mul(self.weight(AV, &W_AV))
            .mul(self.weight(AC, &W_AC))
            .mul(self.weight(AU, &W_AU));
        Dec::new(6, 1)
            .mul(impact)
            .add(Dec::new(4, 1).mul(exploitability))
            .sub(Dec::new(15, 1))
            .mul(Dec::new(1176, 3))
            .round_tenths()
    }

    /// TemporalScore = round_to_1_decimal(BaseScore × Exploitability × RemediationLevel ×
    /// ReportConfidence)
    fn temporal_score(&self, base: u8) -> u8 {
        Dec::tenths(base)
            .mul(self.weight(E, &W_E))
            .mul(self.weight(RL, &W_RL))
            .mul(self.weight(RC, &W_RC))
            .round_tenths()
    }

    /// EnvironmentalScore = round_to_1_decimal((AdjustedTemporal + (10 − AdjustedTemporal) ×
    /// CollateralDamagePotential) × TargetDistribution)
    fn environmental_score(&self) -> u8 {
        let adjusted_temporal =
            Dec::tenths(self.temporal_score(self.base_score(self.adjusted_impact())));
        adjusted_temporal
            .add(
                Dec::new(10, 0)
                    .sub(adjusted_temporal)
                    .mul(self.weight(CDP, &W_CDP)),
            )
            .mul(self.weight(TD, &W_TD))
            .round_tenths()
    }

    pub(crate) fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        vector::write(f, "", &TABLE, &self.values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_exact_halves_up() {
        assert_eq!(Dec::new(745, 2).round_tenths(), 75);
        assert_eq!(Dec::new(7449, 3).round_tenths(), 74);
        assert_eq!(Dec::new(7, 0).round_tenths(), 70);
        assert_eq!(Dec::new(-5, 2).round_tenths(), 0);
    }
}
