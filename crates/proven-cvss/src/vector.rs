//! The `METRIC:VALUE/METRIC:VALUE/...` syntax every CVSS version shares, driven by a version's table
//! of metrics.

use std::fmt;

use crate::{CvssError, Version};

/// One metric of a version's table.
#[derive(Debug)]
pub(crate) struct MetricDef {
    pub(crate) name: &'static str,
    /// The values the vector may give, in the specification's order. Optional metrics list their
    /// Not Defined value first.
    pub(crate) values: &'static [&'static str],
    /// Base metrics must be given; the others may be left out.
    pub(crate) base: bool,
}

/// A base metric.
pub(crate) const fn base(name: &'static str, values: &'static [&'static str]) -> MetricDef {
    MetricDef {
        name,
        values,
        base: true,
    }
}

/// A metric that may be left out; `values[0]` is its Not Defined value.
pub(crate) const fn optional(name: &'static str, values: &'static [&'static str]) -> MetricDef {
    MetricDef {
        name,
        values,
        base: false,
    }
}

/// For each metric of a table, in the table's order, the index of its value in
/// [`MetricDef::values`], or `None` where the vector leaves it out or gives Not Defined.
pub(crate) type Values<const N: usize> = [Option<u8>; N];

/// Reads the fields of `body` (the vector without its prefix) against `table`: every field a known
/// metric with a known value, no metric twice, every base metric present. Order is free.
pub(crate) fn parse<const N: usize>(
    vector: &str,
    body: &str,
    version: Version,
    table: &[MetricDef; N],
) -> Result<Values<N>, CvssError> {
    let mut values: Values<N> = [None; N];
    // A bare prefix lacks every base metric rather than holding one empty field.
    let fields = (!body.is_empty()).then(|| body.split('/'));
    for field in fields.into_iter().flatten() {
        if field.is_empty() {
            return Err(CvssError::EmptyField {
                vector: vector.to_owned(),
            });
        }
        let Some((metric, value)) = field.split_once(':') else {
            return Err(CvssError::MalformedField {
                vector: vector.to_owned(),
                field: field.to_owned(),
            });
        };
        let Some(slot) = table.iter().position(|def| def.name == metric) else {
            return Err(CvssError::UnknownMetric {
                vector: vector.to_owned(),
                version,
                metric: metric.to_owned(),
                expected: join(table.iter().map(|def| def.name)),
            });
        };
        let def = &table[slot];
        let Some(index) = def.values.iter().position(|known| *known == value) else {
            return Err(CvssError::UnknownValue {
                vector: vector.to_owned(),
                version,
                metric: metric.to_owned(),
                value: value.to_owned(),
                expected: join(def.values.iter().copied()),
            });
        };
        if values[slot].is_some() {
            return Err(CvssError::DuplicateMetric {
                vector: vector.to_owned(),
                metric: metric.to_owned(),
            });
        }
        values[slot] = Some(u8::try_from(index).expect("no metric has 256 values"));
    }
    let missing: Vec<&str> = table
        .iter()
        .zip(&values)
        .filter(|(def, value)| def.base && value.is_none())
        .map(|(def, _)| def.name)
        .collect();
    if !missing.is_empty() {
        return Err(CvssError::MissingMetric {
            vector: vector.to_owned(),
            version,
            missing: missing.join(", "),
            expected: join(table.iter().filter(|def| def.base).map(|def| def.name)),
        });
    }
    // Not Defined, given or left out, is one value: vectors that differ only there are equal.
    for (def, value) in table.iter().zip(values.iter_mut()) {
        if !def.base && *value == Some(0) {
            *value = None;
        }
    }
    Ok(values)
}

/// The value of metric `slot`: its index in the metric's values, 0 (Not Defined) for an optional
/// metric the vector does not define.
pub(crate) fn get<const N: usize>(values: &Values<N>, slot: usize) -> usize {
    values[slot].map_or(0, usize::from)
}

/// Whether the vector gives any of `slots` a value other than Not Defined.
pub(crate) fn any_defined<const N: usize>(values: &Values<N>, slots: &[usize]) -> bool {
    slots.iter().any(|&slot| get(values, slot) != 0)
}

/// Writes the normalised vector: `prefix`, then every defined metric in the table's order.
pub(crate) fn write<const N: usize>(
    f: &mut fmt::Formatter<'_>,
    prefix: &str,
    table: &[MetricDef; N],
    values: &Values<N>,
) -> fmt::Result {
    f.write_str(prefix)?;
    let mut first = true;
    for (def, value) in table.iter().zip(values) {
        let Some(index) = *value else { continue };
        if !first {
            f.write_str("/")?;
        }
        first = false;
        write!(f, "{}:{}", def.name, def.values[usize::from(index)])?;
    }
    Ok(())
}

fn join<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join(", ")
}
