//! The feeds joined to OSV by CVE id: the CISA KEV catalog and an EPSS scores file.

use std::collections::BTreeMap;

use serde::Deserialize;

/// Why a feed could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    #[error("not a KEV catalog: {0}")]
    Kev(String),
    #[error("EPSS file, line {line}: {problem}")]
    Epss { line: usize, problem: String },
}

/// The CISA Known Exploited Vulnerabilities catalog, keyed by CVE id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KevCatalog {
    pub version: String,
    pub released: String,
    pub entries: BTreeMap<String, KevEntry>,
}

/// One KEV entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KevEntry {
    pub date_added: String,
    pub due_date: Option<String>,
    /// `knownRansomwareCampaignUse` (`Known`, `Unknown`).
    pub ransomware: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawKev {
    catalog_version: String,
    date_released: String,
    vulnerabilities: Vec<RawKevEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawKevEntry {
    #[serde(rename = "cveID")]
    cve_id: String,
    date_added: String,
    due_date: Option<String>,
    known_ransomware_campaign_use: Option<String>,
}

/// Parses the KEV JSON catalog.
pub fn parse_kev(bytes: &[u8]) -> Result<KevCatalog, FeedError> {
    let raw: RawKev = serde_json::from_slice(bytes).map_err(|e| FeedError::Kev(e.to_string()))?;
    let mut entries = BTreeMap::new();
    for v in raw.vulnerabilities {
        let entry = KevEntry {
            date_added: v.date_added,
            due_date: v.due_date,
            ransomware: v.known_ransomware_campaign_use,
        };
        // A CVE listed twice keeps its earliest addition.
        entries
            .entry(v.cve_id)
            .and_modify(|e: &mut KevEntry| {
                if entry.date_added < e.date_added {
                    *e = entry.clone();
                }
            })
            .or_insert_with(|| entry.clone());
    }
    Ok(KevCatalog {
        version: raw.catalog_version,
        released: raw.date_released,
        entries,
    })
}

/// EPSS scores, keyed by CVE id; score and percentile as written in the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EpssTable {
    pub model: String,
    pub score_date: String,
    pub scores: BTreeMap<String, (String, String)>,
}

/// Parses an EPSS CSV: an optional `#model_version:…,score_date:…` line, the header
/// `cve,epss,percentile`, then one row per CVE.
pub fn parse_epss(text: &str) -> Result<EpssTable, FeedError> {
    let mut table = EpssTable::default();
    let mut header_seen = false;
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            for field in comment.split(',') {
                match field.split_once(':') {
                    Some(("model_version", v)) => table.model = v.trim().to_string(),
                    Some(("score_date", v)) => table.score_date = v.trim().to_string(),
                    _ => {}
                }
            }
            continue;
        }
        let bad = |problem: &str| FeedError::Epss {
            line: line_no,
            problem: problem.to_string(),
        };
        let cols: Vec<&str> = line.split(',').map(str::trim).collect();
        if !header_seen {
            if cols.first() != Some(&"cve") || cols.get(1) != Some(&"epss") {
                return Err(bad("expected the header `cve,epss,percentile`"));
            }
            header_seen = true;
            continue;
        }
        let [cve, score, percentile] = cols[..] else {
            return Err(bad("expected three columns"));
        };
        let in_unit = |s: &str| s.parse::<f64>().is_ok_and(|f| (0.0..=1.0).contains(&f));
        if !cve.starts_with("CVE-") || !in_unit(score) || !in_unit(percentile) {
            return Err(bad("expected `CVE-…,<0..1>,<0..1>`"));
        }
        table
            .scores
            .insert(cve.to_string(), (score.to_string(), percentile.to_string()));
    }
    if !header_seen {
        return Err(FeedError::Epss {
            line: 1,
            problem: "no header line `cve,epss,percentile`".into(),
        });
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epss_with_model_line() {
        let t = parse_epss(
            "#model_version:v2023.03.01,score_date:2024-05-01T00:00:00+0000\ncve,epss,percentile\nCVE-2021-44228,0.97565,0.99995\n",
        )
        .expect("valid");
        assert_eq!(t.model, "v2023.03.01");
        assert_eq!(t.scores["CVE-2021-44228"].0, "0.97565");
        let bad = parse_epss("cve,epss,percentile\nCVE-1,2.0,0.1\n").expect_err("score > 1");
        assert!(bad.to_string().contains("line 2"), "{bad}");
    }

    #[test]
    fn kev_minimal() {
        let k = parse_kev(
            br#"{"catalogVersion":"1","dateReleased":"2025-01-01","count":1,"vulnerabilities":[
            {"cveID":"CVE-1","dateAdded":"2023-01-10","dueDate":"2023-01-31","knownRansomwareCampaignUse":"Known"}]}"#,
        )
        .expect("valid");
        assert_eq!(k.entries["CVE-1"].date_added, "2023-01-10");
    }
}
