//! Why a vector was rejected.

use crate::Version;

/// A vector that is not a valid CVSS v2, v3.0, v3.1 or v4.0 vector. Every variant but `Empty` names
/// the whole vector, the part that is wrong and what was expected instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CvssError {
    /// The vector is the empty string.
    #[error("empty CVSS vector")]
    Empty,
    /// A `CVSS:` prefix of a version we do not know.
    #[error(
        "CVSS vector `{vector}`: unknown prefix `{prefix}`, expected `CVSS:3.0`, `CVSS:3.1`, \
         `CVSS:4.0`, or no prefix for CVSS v2"
    )]
    UnknownPrefix {
        /// The vector as given.
        vector: String,
        /// Everything before the first `/`.
        prefix: String,
    },
    /// Two `/` in a row, or a `/` at either end.
    #[error("CVSS vector `{vector}`: empty field, expected METRIC:VALUE between every two `/`")]
    EmptyField {
        /// The vector as given.
        vector: String,
    },
    /// A field without a `:`.
    #[error("CVSS vector `{vector}`: field `{field}` is not of the form METRIC:VALUE")]
    MalformedField {
        /// The vector as given.
        vector: String,
        /// The field between two `/`.
        field: String,
    },
    /// A metric the version does not define.
    #[error(
        "CVSS vector `{vector}`: unknown {version} metric `{metric}`, expected one of {expected}"
    )]
    UnknownMetric {
        /// The vector as given.
        vector: String,
        /// The version the vector was read as.
        version: Version,
        /// The unknown metric.
        metric: String,
        /// The version's metrics, comma-separated.
        expected: String,
    },
    /// A value the metric does not define.
    #[error(
        "CVSS vector `{vector}`: unknown value `{value}` of {version} metric `{metric}`, \
         expected one of {expected}"
    )]
    UnknownValue {
        /// The vector as given.
        vector: String,
        /// The version the vector was read as.
        version: Version,
        /// The metric.
        metric: String,
        /// The unknown value.
        value: String,
        /// The metric's values, comma-separated.
        expected: String,
    },
    /// A metric given twice, even with the same value.
    #[error("CVSS vector `{vector}`: metric `{metric}` appears more than once, expected it once")]
    DuplicateMetric {
        /// The vector as given.
        vector: String,
        /// The repeated metric.
        metric: String,
    },
    /// Base metrics left out.
    #[error(
        "CVSS vector `{vector}`: missing base metric {missing}, a {version} vector needs each of \
         {expected}"
    )]
    MissingMetric {
        /// The vector as given.
        vector: String,
        /// The version the vector was read as.
        version: Version,
        /// The missing metrics, comma-separated.
        missing: String,
        /// The version's base metrics, comma-separated.
        expected: String,
    },
}
