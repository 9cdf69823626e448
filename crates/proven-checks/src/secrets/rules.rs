//! The rule catalogue: one entry per credential type, each with a stable kebab-case id.
//!
//! A rule names the literal anchors the one multi-literal pass looks for, the full pattern run only in
//! a window around an anchor hit (capture group 1 is the secret, else the whole match), how a match is
//! validated offline, and the confidence tier a valid match gets: A (checksum or structure verified),
//! B (distinctive prefix or format), C (generic assignment or entropy only).

use proven_model::SeverityLevel;

use super::validate::Check;

/// How sure a finding is, best first. The default gate fails on A and B.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    /// A checksum or the structure was verified offline.
    A,
    /// A distinctive, documented prefix or format.
    B,
    /// A generic assignment or high entropy only.
    C,
}

impl Tier {
    /// The letter, as put in `evidence["tier"]`.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::A => "A",
            Tier::B => "B",
            Tier::C => "C",
        }
    }

    /// One tier lower (C stays C).
    pub fn lower(self) -> Tier {
        match self {
            Tier::A => Tier::B,
            _ => Tier::C,
        }
    }
}

/// How much text around an anchor hit the pattern sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    /// The line holding the hit.
    Line,
    /// The lines within this many bytes of the hit (keyword-gated rules, secrets near an id).
    Around(usize),
    /// The hit and up to this many bytes after it (multi-line blocks such as PEM keys).
    After(usize),
    /// The whole file, up to 256 KiB (file-structured rules such as Kubernetes `Secret`s).
    File,
}

/// Which files a rule applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Files {
    /// Every text file.
    Any,
    /// Files with one of these exact names.
    Named(&'static [&'static str]),
    /// Files whose relative path contains one of these (case-insensitive).
    PathHas(&'static [&'static str]),
    /// The file itself is the secret (keystores), matched by extension; never read.
    Extension(&'static [&'static str]),
}

/// One credential type.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// Stable kebab-case id (the finding's code).
    pub id: &'static str,
    /// One line: what the credential is.
    pub title: &'static str,
    /// The provider's documentation of the credential or its format.
    pub reference: &'static str,
    /// Literals whose presence triggers the pattern: matched as written and, when all lowercase,
    /// also in UPPER and Capitalised form.
    pub anchors: &'static [&'static str],
    /// The full pattern (Rust `regex` syntax, bytes); group 1 is the secret when present.
    pub pattern: &'static str,
    /// Offline validation.
    pub check: Check,
    pub severity: SeverityLevel,
    /// The tier of a match that passes `check` (or of any match when there is no check).
    pub tier: Tier,
    /// The CRA Annex I clause the finding bears on.
    pub cra_clause: &'static str,
    /// The gitleaks rule id of the same credential type, where there is one.
    pub gitleaks: Option<&'static str>,
    pub window: Window,
    pub files: Files,
    /// Minimum Shannon entropy (bits per character) of the secret; 0 for none.
    pub min_entropy: f32,
    /// Generic rules: skipped in lockfiles and other files full of hashes, filtered harder.
    pub generic: bool,
    /// Whether a UUID-shaped secret is allowed (some providers issue UUIDs as keys).
    pub uuid_ok: bool,
    /// Secrets equal to (or containing) one of these are documentation examples, not findings.
    pub allow: &'static [&'static str],
}

/// What to do about any leaked credential.
pub const FIX: &str = "Revoke and rotate the credential, remove it from the code (and the history), and load it at run time from a secret store.";

impl Rule {
    /// The rule's one-line description.
    pub fn description(&self) -> &'static str {
        self.title
    }

    /// The documentation, with the fixed headings, made from the rule's own fields.
    pub fn docs(&self) -> String {
        let mut s = format!(
            "# {} — {}\n\nScanner: secrets · Severity: {} · Tier: {} · CRA Annex I {}\n",
            self.id,
            self.title,
            self.severity,
            self.tier.as_str(),
            self.cra_clause
        );
        if let Some(g) = self.gitleaks {
            s.push_str(&format!("Same rule in gitleaks: {g}\n"));
        }
        let anchors: Vec<String> = self.anchors.iter().map(|a| format!("`{a}`")).collect();
        let window = match self.window {
            Window::Line => "the line of the hit".to_string(),
            Window::Around(n) => format!("the lines within {n} bytes of the hit"),
            Window::After(n) => format!("the hit and up to {n} bytes after it"),
            Window::File => "the whole file (up to 256 KiB)".to_string(),
        };
        let files = match self.files {
            Files::Any => "every text file".to_string(),
            Files::Named(names) => format!("files named {}", names.join(", ")),
            Files::PathHas(parts) => format!("files whose path contains {}", parts.join(", ")),
            Files::Extension(exts) => format!(
                "files with the extension {} (the file itself is the secret; it is not read)",
                exts.join(", ")
            ),
        };
        s.push_str("\n## What it does\n\n");
        if self.pattern.is_empty() {
            s.push_str(&format!("Reports {files}.\n"));
        } else {
            s.push_str(&format!(
                "Looks in {files} for {}; where one occurs, runs the pattern below over {window}. \
                 Capture group 1, when the pattern has one, is the secret.\n\n```\n{}\n```\n\n\
                 Validation: {}\n",
                anchors.join(", "),
                self.pattern,
                self.check.description()
            ));
        }
        if self.min_entropy > 0.0 {
            s.push_str(&format!(
                "Minimum entropy of the secret: {} bits per character.\n",
                self.min_entropy
            ));
        }
        if self.generic {
            s.push_str(
                "Generic rule: skipped in lockfiles, filtered harder against placeholders.\n",
            );
        }
        if !self.allow.is_empty() {
            s.push_str(&format!(
                "Documentation examples that are not reported: {}\n",
                self.allow.join(", ")
            ));
        }
        s.push_str(&format!(
            "\n## Why is this bad\n\n{}. Anyone who reads the code, a copy of it or its history \
             can use the credential until it is revoked. A match in a test path drops one tier.\n\n\
             ## Fix\n\n{FIX}\n\n## References\n\n- {}\n- https://cwe.mitre.org/data/definitions/798.html\n",
            tier_meaning(self.tier),
            self.reference
        ));
        s
    }

    const fn tier(mut self, t: Tier) -> Rule {
        self.tier = t;
        self
    }
    const fn check(mut self, c: Check, t: Tier) -> Rule {
        self.check = c;
        self.tier = t;
        self
    }
    const fn gl(mut self, id: &'static str) -> Rule {
        self.gitleaks = Some(id);
        self
    }
    const fn sev(mut self, s: SeverityLevel) -> Rule {
        self.severity = s;
        self
    }
    const fn around(mut self, n: usize) -> Rule {
        self.window = Window::Around(n);
        self
    }
    const fn after(mut self, n: usize) -> Rule {
        self.window = Window::After(n);
        self
    }
    const fn whole_file(mut self) -> Rule {
        self.window = Window::File;
        self
    }
    const fn files(mut self, f: Files) -> Rule {
        self.files = f;
        self
    }
    const fn entropy(mut self, e: f32) -> Rule {
        self.min_entropy = e;
        self
    }
    const fn generic(mut self) -> Rule {
        self.generic = true;
        self.tier = Tier::C;
        self.severity = SeverityLevel::Medium;
        self
    }
    const fn uuid_ok(mut self) -> Rule {
        self.uuid_ok = true;
        self
    }
    const fn allow(mut self, a: &'static [&'static str]) -> Rule {
        self.allow = a;
        self
    }
}

fn tier_meaning(tier: Tier) -> &'static str {
    match tier {
        Tier::A => "Tier A: the checksum or structure of a match is verified offline, so a match is the credential the rule names",
        Tier::B => "Tier B: the format is distinctive (a documented prefix or layout), so a match is very likely the credential the rule names",
        Tier::C => "Tier C: a generic assignment or high entropy only; the default gate reports it without failing",
    }
}

/// A rule with the defaults: line window, any file, tier B, high severity, no check.
const fn r(
    id: &'static str,
    title: &'static str,
    reference: &'static str,
    anchors: &'static [&'static str],
    pattern: &'static str,
) -> Rule {
    Rule {
        id,
        title,
        reference,
        anchors,
        pattern,
        check: Check::None,
        severity: SeverityLevel::High,
        tier: Tier::B,
        cra_clause: "I.2(d)",
        gitleaks: None,
        window: Window::Line,
        files: Files::Any,
        min_entropy: 0.0,
        generic: false,
        uuid_ok: false,
        allow: &[],
    }
}

use Check as K;
use SeverityLevel::{Critical, Low, Medium};
use Tier::{A, C};

/// Token characters after a match that mean the match was only part of a longer token.
macro_rules! end {
    () => {
        r"(?:[^A-Za-z0-9_\-]|$)"
    };
}

/// Every rule. Order matters only for overlapping matches of the same tier: the earlier rule wins.
pub static RULES: &[Rule] = &[
    // ---- AWS --------------------------------------------------------------------------------------
    r("aws-access-key-id", "AWS access key id (long-term AKIA, temporary ASIA, ABIA, ACCA)",
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids",
      &["AKIA", "ASIA", "ABIA", "ACCA"], concat!(r"\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})", end!()))
        .gl("aws-access-token").allow(&["AKIAIOSFODNN7EXAMPLE", "ASIAIOSFODNN7EXAMPLE"]),
    r("aws-secret-access-key", "AWS secret access key assigned to a secret-key setting",
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
      &["secret_access_key", "secretaccesskey", "aws_secret", "secret-access-key", "secret_key"],
      r#"(?i)(?:aws)?[_.-]?secret[_.-]?(?:access)?[_.-]?key["']?\s*(?:=|:|=>|,)\s*["']?([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)"#)
        .sev(Critical).entropy(4.0).allow(&["wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"]),
    r("aws-secret-near-key-id", "AWS secret access key (40 base64 characters) within a few lines of an access key id",
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
      &["AKIA", "ASIA"], r"(?:^|[^A-Za-z0-9/+])([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)")
        .around(400).sev(Critical).entropy(4.3),
    r("aws-session-token", "AWS temporary session token",
      "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_use-resources.html",
      &["session_token", "sessiontoken"], r#"(?i)(?:aws)?_?session_?token["']?(?:\s*:\s*&?(?:'static\s+)?[\w<>\[\]]+)?\s*[:=]\s*["']?([A-Za-z0-9/+=]{100,1200})"#),
    r("aws-bedrock-api-key", "Amazon Bedrock long-term API key (ABSK)",
      "https://docs.aws.amazon.com/bedrock/latest/userguide/api-keys.html",
      &["ABSK"], concat!(r"\b(ABSK[A-Za-z0-9+/]{109,269}={0,2})", end!()))
        .gl("aws-amazon-bedrock-api-key-long-lived"),
    r("aws-bedrock-short-term-key", "Amazon Bedrock short-term API key (bedrock-api-key-)",
      "https://docs.aws.amazon.com/bedrock/latest/userguide/api-keys.html",
      &["bedrock-api-key-"], r"\b(bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/=%]{20,3000})")
        .gl("aws-amazon-bedrock-api-key-short-lived"),
    r("aws-mws-key", "Amazon Marketplace Web Service auth token",
      "https://docs.developer.amazonservices.com/en_US/dev_guide/DG_Registering.html",
      &["amzn.mws."], r"\b(amzn\.mws\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b").uuid_ok(),
    // ---- Google Cloud -----------------------------------------------------------------------------
    r("gcp-api-key", "Google Cloud / Firebase API key (AIza)", "https://cloud.google.com/docs/authentication/api-keys",
      &["AIza"], concat!(r"\b(AIza[0-9A-Za-z_\-]{35})", end!())).gl("gcp-api-key"),
    r("gcp-service-account-key", "Google Cloud service account key file (type service_account with a private key)",
      "https://cloud.google.com/iam/docs/keys-create-delete",
      &["service_account"], r#""private_key_id"\s*:\s*"([0-9a-f]{40})""#).around(3000).sev(Critical),
    r("gcp-oauth-client-secret", "Google OAuth client secret (GOCSPX-)", "https://developers.google.com/identity/protocols/oauth2",
      &["GOCSPX-"], concat!(r"\b(GOCSPX-[A-Za-z0-9_\-]{28})", end!())),
    r("gcp-oauth-access-token", "Google OAuth 2.0 access token (ya29.)", "https://developers.google.com/identity/protocols/oauth2",
      &["ya29."], concat!(r"\b(ya29\.[0-9A-Za-z_\-]{30,400})", end!())).sev(Medium),
    r("gcp-oauth-refresh-token", "Google OAuth 2.0 refresh token (1//0)", "https://developers.google.com/identity/protocols/oauth2",
      &["1//0"], concat!(r"\b(1//0[0-9A-Za-z_\-]{40,200})", end!())),
    r("firebase-cloud-messaging-key", "Firebase Cloud Messaging legacy server key", "https://firebase.google.com/docs/cloud-messaging/auth-server",
      &["APA91b"], concat!(r"\b(AAAA[A-Za-z0-9_\-]{7}:APA91b[A-Za-z0-9_\-]{134})", end!())),
    // ---- Azure ------------------------------------------------------------------------------------
    r("azure-entra-client-secret", "Microsoft Entra ID (Azure AD) application client secret (Q~ marker)",
      "https://learn.microsoft.com/en-us/entra/identity-platform/how-to-add-credentials",
      &["Q~"], r"(?:^|[^A-Za-z0-9_~.\-])([A-Za-z0-9_~.\-]{3}\dQ~[A-Za-z0-9_~.\-]{31,34})(?:[^A-Za-z0-9_~.\-]|$)")
        .gl("azure-ad-client-secret"),
    r("azure-storage-account-key", "Azure storage account key in a connection string (AccountKey=)",
      "https://learn.microsoft.com/en-us/azure/storage/common/storage-configure-connection-string",
      &["AccountKey="], r"AccountKey=([A-Za-z0-9+/]{86}==)").sev(Critical),
    r("azure-sas-token", "Azure shared access signature (sig= with a signed version sv=)",
      "https://learn.microsoft.com/en-us/rest/api/storageservices/create-service-sas",
      &["sig="], r#"sv=\d{4}-\d{2}-\d{2}[^\s"'<>]*?[?&]sig=([A-Za-z0-9%+/]{30,120}(?:%3D|=){0,2})"#),
    r("azure-shared-access-key", "Azure Service Bus / Event Hubs shared access key in a connection string",
      "https://learn.microsoft.com/en-us/azure/service-bus-messaging/service-bus-sas",
      &["SharedAccessKey="], r"SharedAccessKey=([A-Za-z0-9+/]{43}=)"),
    r("azure-app-configuration-secret", "Azure App Configuration connection string secret",
      "https://learn.microsoft.com/en-us/azure/azure-app-configuration/howto-best-practices",
      &[".azconfig.io"], r"Endpoint=https://[a-z0-9\-]+\.azconfig\.io;Id=[^;\s]+;Secret=([A-Za-z0-9+/]{43}=)"),
    r("azure-devops-pat", "Azure DevOps personal access token (identifiable AZDO format)",
      "https://learn.microsoft.com/en-us/azure/devops/organizations/accounts/use-personal-access-tokens-to-authenticate",
      &["AZDO"], r"\b([A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4})\b"),
    r("azure-identifiable-key", "Microsoft common annotated security key (JQQJ9 signature)",
      "https://learn.microsoft.com/en-us/purview/sit-defn-azure-cognitive-service-key",
      &["JQQJ9"], r"\b([A-Za-z0-9]{52}JQQJ9[9DH][A-Za-z0-9][A-L][A-Za-z0-9]{16}[A-Za-z][A-Za-z0-9]{7}(?:[A-Za-z0-9]{2}==)?)"),
    // ---- GitHub -----------------------------------------------------------------------------------
    r("github-pat", "GitHub personal access token (classic, ghp_)",
      "https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/",
      &["ghp_"], concat!(r"\b(ghp_[A-Za-z0-9]{36})", end!())).check(K::GithubCrc, A).sev(Critical).gl("github-pat"),
    r("github-oauth-token", "GitHub OAuth access token (gho_)",
      "https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/",
      &["gho_"], concat!(r"\b(gho_[A-Za-z0-9]{36})", end!())).check(K::GithubCrc, A).sev(Critical).gl("github-oauth"),
    r("github-user-to-server-token", "GitHub App user-to-server token (ghu_)",
      "https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/",
      &["ghu_"], concat!(r"\b(ghu_[A-Za-z0-9]{36})", end!())).check(K::GithubCrc, A).gl("github-app-token"),
    r("github-server-to-server-token", "GitHub App installation token (ghs_)",
      "https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/",
      &["ghs_"], concat!(r"\b(ghs_[A-Za-z0-9]{36})", end!())).check(K::GithubCrc, A).gl("github-app-token"),
    r("github-refresh-token", "GitHub App refresh token (ghr_)",
      "https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/",
      &["ghr_"], concat!(r"\b(ghr_[A-Za-z0-9]{36})", end!())).check(K::GithubCrc, A).gl("github-refresh-token"),
    r("github-fine-grained-pat", "GitHub fine-grained personal access token (github_pat_)",
      "https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/managing-your-personal-access-tokens",
      &["github_pat_"], concat!(r"\b(github_pat_[A-Za-z0-9]{22,60}_[A-Za-z0-9]{59,200})", end!())).sev(Critical).gl("github-fine-grained-pat"),
    // ---- GitLab -----------------------------------------------------------------------------------
    r("gitlab-routable-token", "GitLab routable token (personal, runner, agent, CI job ...) with its CRC-32",
      "https://docs.gitlab.com/security/tokens/",
      &["glpat-", "glrt-", "glrtr-", "glagent-", "glcbt-", "gldt-", "glft-", "glsoat-", "glptt-", "glimt-", "gloas-", "glffct-"],
      concat!(r"\b((?:glpat|glrtr|glrt|glagent|glcbt|gldt|glft|glsoat|glptt|glimt|gloas|glffct)-[A-Za-z0-9_\-]{27,300}\.[0-9a-z]{2}\.[0-9a-z]{2}[0-9a-z]{7})", end!()))
        .check(K::GitlabRoutable, A).sev(Critical).gl("gitlab-pat-routable"),
    r("gitlab-pat", "GitLab personal, project or group access token (glpat-)", "https://docs.gitlab.com/security/tokens/",
      &["glpat-"], r"\b(glpat-[A-Za-z0-9_\-]{20})(?:[^A-Za-z0-9_.\-]|$)").sev(Critical).gl("gitlab-pat"),
    r("gitlab-deploy-token", "GitLab deploy token (gldt-)", "https://docs.gitlab.com/user/project/deploy_tokens/",
      &["gldt-"], r"\b(gldt-[A-Za-z0-9_\-]{20})(?:[^A-Za-z0-9_.\-]|$)").gl("gitlab-deploy-token"),
    r("gitlab-runner-token", "GitLab runner authentication token (glrt-)", "https://docs.gitlab.com/security/tokens/",
      &["glrt-"], r"\b(glrt-(?:t\d_)?[A-Za-z0-9_\-]{20})(?:[^A-Za-z0-9_.\-]|$)").gl("gitlab-runner-authentication-token"),
    r("gitlab-pipeline-trigger-token", "GitLab pipeline trigger token (glptt-)", "https://docs.gitlab.com/ci/triggers/",
      &["glptt-"], concat!(r"\b(glptt-[0-9a-f]{40})", end!())).gl("gitlab-ptt"),
    r("gitlab-feed-token", "GitLab feed token (glft-)", "https://docs.gitlab.com/security/tokens/",
      &["glft-"], r"\b(glft-[A-Za-z0-9_\-]{20})(?:[^A-Za-z0-9_.\-]|$)").sev(Medium).gl("gitlab-feed-token"),
    r("gitlab-incoming-mail-token", "GitLab incoming e-mail token (glimt-)", "https://docs.gitlab.com/security/tokens/",
      &["glimt-"], r"\b(glimt-[A-Za-z0-9_\-]{25})(?:[^A-Za-z0-9_.\-]|$)").sev(Medium).gl("gitlab-incoming-mail-token"),
    r("gitlab-agent-token", "GitLab agent for Kubernetes token (glagent-)", "https://docs.gitlab.com/user/clusters/agent/",
      &["glagent-"], r"\b(glagent-[A-Za-z0-9_\-]{50})(?:[^A-Za-z0-9_.\-]|$)").gl("gitlab-kubernetes-agent-token"),
    r("gitlab-oauth-app-secret", "GitLab OAuth application secret (gloas-)", "https://docs.gitlab.com/integration/oauth_provider/",
      &["gloas-"], r"\b(gloas-[A-Za-z0-9_\-]{64})(?:[^A-Za-z0-9_.\-]|$)").gl("gitlab-oauth-app-secret"),
    r("gitlab-ci-job-token", "GitLab CI/CD job token (glcbt-)", "https://docs.gitlab.com/ci/jobs/ci_job_token/",
      &["glcbt-"], r"\b(glcbt-[0-9a-zA-Z]{1,5}_[0-9a-zA-Z_\-]{20})(?:[^A-Za-z0-9_.\-]|$)").sev(Medium).gl("gitlab-cicd-job-token"),
    r("gitlab-scim-token", "GitLab SCIM OAuth token (glsoat-)", "https://docs.gitlab.com/security/tokens/",
      &["glsoat-"], r"\b(glsoat-[A-Za-z0-9_\-]{20})(?:[^A-Za-z0-9_.\-]|$)").gl("gitlab-scim-token"),
    r("gitlab-feature-flag-client-token", "GitLab feature flags client token (glffct-)", "https://docs.gitlab.com/security/tokens/",
      &["glffct-"], r"\b(glffct-[A-Za-z0-9_\-]{20})(?:[^A-Za-z0-9_.\-]|$)").sev(Medium).gl("gitlab-feature-flag-client-token"),
    r("gitlab-runner-registration-token", "GitLab runner registration token (GR1348941)", "https://docs.gitlab.com/ci/runners/new_creation_workflow/",
      &["GR1348941"], concat!(r"\b(GR1348941[A-Za-z0-9_\-]{20})", end!())).gl("gitlab-rrt"),
    r("gitlab-session-cookie", "GitLab session cookie", "https://docs.gitlab.com/user/profile/active_sessions/",
      &["_gitlab_session="], r"_gitlab_session=([0-9a-z]{32})").sev(Medium).gl("gitlab-session-cookie"),
    // ---- Package registries and build services ----------------------------------------------------
    r("npm-access-token", "npm access token (npm_)", "https://docs.npmjs.com/about-access-tokens",
      &["npm_"], concat!(r"\b(npm_[A-Za-z0-9]{36})", end!())).check(K::NpmCrc, A).sev(Critical).gl("npm-access-token"),
    r("pypi-upload-token", "PyPI API token (macaroon for pypi.org)", "https://pypi.org/help/#apitoken",
      &["pypi-AgEIcHlwaS5vcmc"], concat!(r"\b(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,1000})", end!()))
        .check(K::PypiMacaroon, A).sev(Critical).gl("pypi-upload-token"),
    r("test-pypi-upload-token", "TestPyPI API token (macaroon for test.pypi.org)", "https://test.pypi.org/help/#apitoken",
      &["pypi-AgENdGVzdC5weXBpLm9yZw"], concat!(r"\b(pypi-AgENdGVzdC5weXBpLm9yZw[A-Za-z0-9_\-]{50,1000})", end!())).sev(Medium),
    r("rubygems-api-key", "RubyGems API key (rubygems_)", "https://guides.rubygems.org/api-key-scopes/",
      &["rubygems_"], concat!(r"\b(rubygems_[0-9a-f]{48})", end!())).gl("rubygems-api-token"),
    r("nuget-api-key", "NuGet.org API key (oy2)", "https://learn.microsoft.com/en-us/nuget/nuget-org/scoped-api-keys",
      &["oy2"], concat!(r"\b(oy2[a-z0-9]{43})", end!())),
    r("crates-io-token", "crates.io API token (cio)", "https://doc.rust-lang.org/cargo/reference/registry-authentication.html",
      &["cio"], concat!(r"\b(cio[A-Za-z0-9]{32})", end!())),
    r("dockerhub-pat", "Docker Hub personal access token (dckr_pat_)", "https://docs.docker.com/security/access-tokens/",
      &["dckr_pat_"], concat!(r"\b(dckr_pat_[A-Za-z0-9_\-]{27})", end!())),
    r("dockerhub-org-token", "Docker Hub organization access token (dckr_oat_)", "https://docs.docker.com/security/for-admins/access-tokens/",
      &["dckr_oat_"], concat!(r"\b(dckr_oat_[A-Za-z0-9_\-]{32})", end!())),
    r("artifactory-api-key", "JFrog Artifactory API key (AKCp)", "https://jfrog.com/help/r/jfrog-platform-administration-documentation/api-key",
      &["AKCp"], concat!(r"\b(AKCp[A-Za-z0-9]{69})", end!())).gl("artifactory-api-key"),
    r("artifactory-reference-token", "JFrog Artifactory reference token (cmVmd)", "https://jfrog.com/help/r/jfrog-platform-administration-documentation/access-tokens",
      &["cmVmd"], concat!(r"\b(cmVmd[A-Za-z0-9]{59})", end!())).gl("artifactory-reference-token"),
    r("clojars-api-token", "Clojars deploy token (CLOJARS_)", "https://github.com/clojars/clojars-web/wiki/Deploy-Tokens",
      &["CLOJARS_"], concat!(r"\b(CLOJARS_[a-z0-9]{60})", end!())).gl("clojars-api-token"),
    r("pulumi-access-token", "Pulumi access token (pul-)", "https://www.pulumi.com/docs/pulumi-cloud/access-management/access-tokens/",
      &["pul-"], concat!(r"\b(pul-[a-f0-9]{40})", end!())).gl("pulumi-api-token"),
    r("packagist-token", "Private Packagist token (packagist_)", "https://packagist.com/docs/api/authentication",
      &["packagist_"], concat!(r"\b(packagist_[ou][ru]t_[a-f0-9]{68})", end!())),
    r("buildkite-token", "Buildkite API access token (bkua_)", "https://buildkite.com/docs/apis/managing-api-tokens",
      &["bkua_"], concat!(r"\b(bkua_[a-f0-9]{40})", end!())),
    r("circleci-personal-token", "CircleCI personal API token (CCIPAT_)", "https://circleci.com/docs/managing-api-tokens/",
      &["CCIPAT_"], concat!(r"\b(CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40})", end!())),
    r("sonarqube-token", "SonarQube / SonarCloud token (sqp_, squ_, sqa_)", "https://docs.sonarsource.com/sonarqube-server/latest/user-guide/managing-tokens/",
      &["sqp_", "squ_", "sqa_"], concat!(r"\b(sq[pua]_[a-f0-9]{40})", end!())),
    r("octopus-deploy-api-key", "Octopus Deploy API key (API-)", "https://octopus.com/docs/octopus-rest-api/how-to-create-an-api-key",
      &["API-"], concat!(r"\b(API-[A-Z0-9]{26})", end!())).gl("octopus-deploy-api-key"),
    r("harness-api-key", "Harness API key or token (pat./sat.)", "https://developer.harness.io/docs/platform/automation/api/add-and-manage-api-keys/",
      &["pat.", "sat."], concat!(r"\b((?:pat|sat)\.[A-Za-z0-9_\-]{22}\.[0-9a-f]{24}\.[A-Za-z0-9]{20})", end!())).gl("harness-api-key"),
    r("infracost-api-token", "Infracost API token (ico-)", "https://www.infracost.io/docs/",
      &["ico-"], concat!(r"\b(ico-[A-Za-z0-9]{32})", end!())).gl("infracost-api-token"),
    r("prefect-api-token", "Prefect API key (pnu_)", "https://docs.prefect.io/v3/manage/cloud/manage-users/api-keys",
      &["pnu_"], concat!(r"\b(pnu_[A-Za-z0-9]{36})", end!())).gl("prefect-api-token"),
    r("readme-api-token", "ReadMe API key (rdme_)", "https://docs.readme.com/main/reference/intro/authentication",
      &["rdme_"], concat!(r"\b(rdme_[a-z0-9]{70})", end!())).gl("readme-api-token"),
    r("scalingo-api-token", "Scalingo API token (tk-us-)", "https://doc.scalingo.com/platform/cli/features#api-tokens",
      &["tk-us-"], concat!(r"\b(tk-us-[A-Za-z0-9_\-]{48})", end!())).gl("scalingo-api-token"),
    r("sourcegraph-access-token", "Sourcegraph access token (sgp_)", "https://sourcegraph.com/docs/cli/how-tos/creating_an_access_token",
      &["sgp_"], concat!(r"\b(sgp_(?:[a-fA-F0-9]{16}|local)_[a-fA-F0-9]{40})", end!())).gl("sourcegraph-access-token"),
    r("postman-api-token", "Postman API key (PMAK-)", "https://learning.postman.com/docs/developer/postman-api/authentication/",
      &["PMAK-"], concat!(r"\b(PMAK-[a-f0-9]{24}-[a-f0-9]{34})", end!())).gl("postman-api-token"),
    r("docker-swarm-join-token", "Docker Swarm join token (SWMTKN-1-)", "https://docs.docker.com/engine/swarm/join-nodes/",
      &["SWMTKN-1-"], concat!(r"\b(SWMTKN-1-[a-z0-9]{50}-[a-z0-9]{25})", end!())),
    r("bitbucket-app-password", "Bitbucket / Atlassian app password (ATBB)", "https://support.atlassian.com/bitbucket-cloud/docs/app-passwords/",
      &["ATBB"], concat!(r"\b(ATBB[A-Za-z0-9]{28}[A-F0-9]{8})", end!())),
    // ---- Chat and notifications -------------------------------------------------------------------
    r("slack-bot-token", "Slack bot token (xoxb-)", "https://api.slack.com/authentication/token-types",
      &["xoxb-"], concat!(r"\b(xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24,34})", end!())).gl("slack-bot-token"),
    r("slack-user-token", "Slack user token (xoxp-)", "https://api.slack.com/authentication/token-types",
      &["xoxp-"], concat!(r"\b(xoxp-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[a-f0-9]{32})", end!())).gl("slack-user-token"),
    r("slack-legacy-token", "Slack legacy workspace or refresh token (xoxa-, xoxr-)", "https://api.slack.com/authentication/token-types",
      &["xoxa-", "xoxr-"], concat!(r"\b(xox[ar]-(?:\d-)?[0-9a-zA-Z]{8,48})", end!())).gl("slack-legacy-workspace-token"),
    r("slack-config-token", "Slack app configuration token (xoxe.xoxp-, xoxe-)", "https://api.slack.com/authentication/config-tokens",
      &["xoxe"], concat!(r"\b(xoxe(?:\.xox[bp])?-\d-[A-Z0-9]{140,170})", end!())).gl("slack-config-access-token"),
    r("slack-app-token", "Slack app-level token (xapp-)", "https://api.slack.com/authentication/token-types",
      &["xapp-"], concat!(r"\b(xapp-\d-[A-Z0-9]{9,12}-\d{10,13}-[a-z0-9]{64})", end!())).gl("slack-app-token"),
    r("slack-webhook-url", "Slack incoming webhook or workflow URL", "https://api.slack.com/messaging/webhooks",
      &["hooks.slack.com"], r"hooks\.slack\.com/(?:services|workflows|triggers)/([A-Za-z0-9+/]{20,80})").gl("slack-webhook-url"),
    r("discord-webhook-url", "Discord webhook URL", "https://discord.com/developers/docs/resources/webhook",
      &["/api/webhooks/"], r"discord(?:app)?\.com/api/webhooks/\d{17,20}/([A-Za-z0-9_\-]{60,68})"),
    r("discord-bot-token", "Discord bot token", "https://discord.com/developers/docs/reference#authentication",
      &["discord"], r"\b([MNO][A-Za-z0-9_\-]{23,25}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,38})\b").around(300),
    r("telegram-bot-token", "Telegram bot API token", "https://core.telegram.org/bots/api#authorizing-your-bot",
      &["telegram", "tg_bot", "api.telegram.org"], r"\b([0-9]{8,10}:AA[A-Za-z0-9_\-]{33})").around(300).gl("telegram-bot-api-token"),
    r("microsoft-teams-webhook", "Microsoft Teams incoming webhook URL", "https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook",
      &["webhook.office.com"], r"[a-z0-9\-]+\.webhook\.office\.com/webhookb2/[a-z0-9\-]{36}@[a-z0-9\-]{36}/IncomingWebhook/([a-z0-9]{32})/[a-z0-9\-]{36}")
        .gl("microsoft-teams-webhook"),
    r("matrix-access-token", "Matrix (Synapse) access token (syt_)", "https://spec.matrix.org/latest/client-server-api/#client-authentication",
      &["syt_"], concat!(r"\b(syt_[A-Za-z0-9]{4,40}_[A-Za-z0-9]{20}_[A-Za-z0-9]{6})", end!())),
    // ---- Payments and commerce --------------------------------------------------------------------
    r("stripe-secret-key", "Stripe live secret key (sk_live_)", "https://docs.stripe.com/keys",
      &["sk_live_"], concat!(r"\b(sk_live_[A-Za-z0-9]{24,247})", end!())).sev(Critical).gl("stripe-access-token"),
    r("stripe-restricted-key", "Stripe live restricted key (rk_live_)", "https://docs.stripe.com/keys#limit-access",
      &["rk_live_"], concat!(r"\b(rk_live_[A-Za-z0-9]{24,247})", end!())).sev(Critical).gl("stripe-access-token"),
    r("stripe-test-key", "Stripe test-mode secret key (sk_test_, rk_test_)", "https://docs.stripe.com/keys",
      &["sk_test_", "rk_test_"], concat!(r"\b([sr]k_test_[A-Za-z0-9]{24,247})", end!())).tier(C).sev(Low).gl("stripe-access-token"),
    r("stripe-webhook-secret", "Stripe webhook signing secret (whsec_)", "https://docs.stripe.com/webhooks#verify-events",
      &["whsec_"], concat!(r"\b(whsec_[A-Za-z0-9]{32,64})", end!())),
    r("square-access-token", "Square access token (EAAA, sq0atp-)", "https://developer.squareup.com/docs/build-basics/access-tokens",
      &["EAAA", "sq0atp-"], concat!(r"\b((?:EAAA[A-Za-z0-9_\-]{60})|(?:sq0atp-[0-9A-Za-z_\-]{22}))", end!())).gl("square-access-token"),
    r("square-oauth-secret", "Square OAuth application secret (sq0csp-)", "https://developer.squareup.com/docs/oauth-api/overview",
      &["sq0csp-"], concat!(r"\b(sq0csp-[0-9A-Za-z_\-]{43})", end!())).gl("square-secret"),
    r("paypal-braintree-access-token", "PayPal Braintree production access token", "https://developer.paypal.com/braintree/articles/control-panel/important-gateway-credentials",
      &["access_token$production$"], r"\b(access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32})").sev(Critical),
    r("shopify-access-token", "Shopify Admin API access token (shpat_)", "https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens",
      &["shpat_"], concat!(r"\b(shpat_[a-fA-F0-9]{32})", end!())).gl("shopify-access-token"),
    r("shopify-custom-app-token", "Shopify custom app access token (shpca_)", "https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens",
      &["shpca_"], concat!(r"\b(shpca_[a-fA-F0-9]{32})", end!())).gl("shopify-custom-access-token"),
    r("shopify-private-app-token", "Shopify private app password (shppa_)", "https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens",
      &["shppa_"], concat!(r"\b(shppa_[a-fA-F0-9]{32})", end!())).gl("shopify-private-app-access-token"),
    r("shopify-shared-secret", "Shopify app shared secret (shpss_)", "https://shopify.dev/docs/apps/build/authentication-authorization",
      &["shpss_"], concat!(r"\b(shpss_[a-fA-F0-9]{32})", end!())).gl("shopify-shared-secret"),
    r("flutterwave-secret-key", "Flutterwave secret key (FLWSECK)", "https://developer.flutterwave.com/docs/api-keys",
      &["FLWSECK"], concat!(r"\b(FLWSECK(?:_TEST)?-[a-h0-9]{32}-X)", end!())).gl("flutterwave-secret-key"),
    r("razorpay-key-secret", "Razorpay live key with its secret", "https://razorpay.com/docs/api/authentication/",
      &["rzp_live_"], concat!(r"\b(rzp_live_[A-Za-z0-9]{14})", end!())),
    r("plaid-access-token", "Plaid access token", "https://plaid.com/docs/api/tokens/",
      &["access-production-", "access-development-"], r"\b(access-(?:production|development)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b")
        .uuid_ok().gl("plaid-api-token"),
    r("gocardless-api-token", "GoCardless live access token", "https://developer.gocardless.com/getting-started/api/making-your-first-request",
      &["live_"], r"(?i)gocardless[\w.\-]{0,30}[\s'\x22:=]{1,5}(live_[A-Za-z0-9_=\-]{40})").gl("gocardless-api-token"),
    r("easypost-api-token", "EasyPost production API key (EZAK)", "https://docs.easypost.com/docs/authentication",
      &["EZAK"], concat!(r"\b(EZAK[A-Za-z0-9]{54})", end!())).gl("easypost-api-token"),
    r("duffel-api-token", "Duffel access token (duffel_live_, duffel_test_)", "https://duffel.com/docs/api/overview/making-requests/authentication",
      &["duffel_"], concat!(r"\b(duffel_(?:test|live)_[A-Za-z0-9_=\-]{43})", end!())).gl("duffel-api-token"),
    r("shippo-api-token", "Shippo API token (shippo_live_, shippo_test_)", "https://docs.goshippo.com/docs/guides_general/authentication/",
      &["shippo_"], concat!(r"\b(shippo_(?:live|test)_[a-fA-F0-9]{40})", end!())).gl("shippo-api-token"),
    r("salesforce-access-token", "Salesforce access token (org id ! session)", "https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_flows.htm",
      &["00D"], r"\b(00D[A-Za-z0-9]{12}![A-Za-z0-9_.]{96})"),
    // ---- Messaging and e-mail ---------------------------------------------------------------------
    r("twilio-api-key", "Twilio API key secret SID (SK…) near a Twilio setting", "https://www.twilio.com/docs/iam/api-keys",
      &["twilio"], r"\b(SK[0-9a-fA-F]{32})\b").around(300).gl("twilio-api-key"),
    r("twilio-auth-token", "Twilio account auth token near its account SID (AC…)", "https://www.twilio.com/docs/iam/credentials/api",
      &["twilio"], r#"(?i)(?:auth|secret)[_\-]?token["']?(?:\s*:\s*&?(?:'static\s+)?[\w<>\[\]]+)?\s*[:=]\s*["']?([0-9a-f]{32})\b"#).around(300).sev(Critical),
    r("sendgrid-api-key", "SendGrid API key (SG.)", "https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys",
      &["SG."], concat!(r"\b(SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})", end!())).gl("sendgrid-api-token"),
    r("mailgun-api-key", "Mailgun private API key (key-)", "https://documentation.mailgun.com/docs/mailgun/api-reference/authentication/",
      &["key-"], concat!(r"\b(key-[0-9a-f]{32})", end!())).gl("mailgun-private-api-token"),
    r("mailchimp-api-key", "Mailchimp API key (…-usNN)", "https://mailchimp.com/developer/marketing/guides/quick-start/#generate-your-api-key",
      &["-us"], r"\b([0-9a-f]{32}-us\d{1,2})\b").gl("mailchimp-api-key"),
    r("brevo-api-key", "Brevo (Sendinblue) API key (xkeysib-)", "https://developers.brevo.com/docs/getting-started",
      &["xkeysib-"], concat!(r"\b(xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16})", end!())).gl("sendinblue-api-token"),
    r("postmark-server-token", "Postmark server API token", "https://postmarkapp.com/developer/api/overview#authentication",
      &["postmark"], r"\b([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b").around(200).uuid_ok(),
    // ---- AI services ------------------------------------------------------------------------------
    r("openai-api-key", "OpenAI API key (sk-…T3BlbkFJ…)", "https://platform.openai.com/docs/api-reference/authentication",
      &["T3BlbkFJ"], concat!(r"\b(sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})", end!())).check(K::OpenAiMarker, A).sev(Critical).gl("openai-api-key"),
    r("openai-project-key", "OpenAI project, service account or admin key (sk-proj-, sk-svcacct-, sk-admin-)", "https://platform.openai.com/docs/api-reference/authentication",
      &["T3BlbkFJ"], concat!(r"\b(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{20,200}T3BlbkFJ[A-Za-z0-9_\-]{20,200})", end!()))
        .check(K::OpenAiMarker, A).sev(Critical).gl("openai-api-key"),
    r("anthropic-api-key", "Anthropic API key (sk-ant-api03-)", "https://docs.anthropic.com/en/api/overview#authentication",
      &["sk-ant-api03-"], concat!(r"\b(sk-ant-api03-[A-Za-z0-9_\-]{93}AA)", end!())).sev(Critical).gl("anthropic-api-key"),
    r("anthropic-admin-key", "Anthropic Admin API key (sk-ant-admin01-)", "https://docs.anthropic.com/en/api/administration-api",
      &["sk-ant-admin01-"], concat!(r"\b(sk-ant-admin01-[A-Za-z0-9_\-]{93}AA)", end!())).sev(Critical).gl("anthropic-admin-api-key"),
    r("huggingface-access-token", "Hugging Face user access token (hf_)", "https://huggingface.co/docs/hub/security-tokens",
      &["hf_"], concat!(r"\b(hf_[A-Za-z]{34})", end!())).gl("huggingface-access-token"),
    r("huggingface-org-token", "Hugging Face organization API token (api_org_)", "https://huggingface.co/docs/hub/security-tokens",
      &["api_org_"], concat!(r"\b(api_org_[A-Za-z]{34})", end!())).gl("huggingface-organization-api-token"),
    r("groq-api-key", "Groq API key (gsk_)", "https://console.groq.com/docs/quickstart",
      &["gsk_"], concat!(r"\b(gsk_[A-Za-z0-9]{52})", end!())),
    r("replicate-api-token", "Replicate API token (r8_)", "https://replicate.com/docs/topics/security/api-tokens",
      &["r8_"], concat!(r"\b(r8_[A-Za-z0-9]{37})", end!())),
    r("perplexity-api-key", "Perplexity API key (pplx-)", "https://docs.perplexity.ai/guides/getting-started",
      &["pplx-"], concat!(r"\b(pplx-[A-Za-z0-9]{48})", end!())),
    r("xai-api-key", "xAI API key (xai-)", "https://docs.x.ai/docs/overview",
      &["xai-"], concat!(r"\b(xai-[A-Za-z0-9]{80})", end!())),
    r("langsmith-api-key", "LangSmith API key (lsv2_pt_, lsv2_sk_)", "https://docs.smith.langchain.com/administration/how_to_guides/organization_management/create_account_api_key",
      &["lsv2_"], concat!(r"\b(lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10})", end!())),
    r("pinecone-api-key", "Pinecone API key (pcsk_)", "https://docs.pinecone.io/guides/projects/manage-api-keys",
      &["pcsk_"], concat!(r"\b(pcsk_[A-Za-z0-9]{5,8}_[A-Za-z0-9]{60,70})", end!())),
    r("wandb-api-key", "Weights & Biases API key near a wandb setting", "https://docs.wandb.ai/guides/track/environment-variables",
      &["wandb"], r#"(?i)wandb[\w.\-]{0,20}["']?(?:\s*:\s*&?(?:'static\s+)?[\w<>\[\]]+)?\s*[:=]\s*["']?([0-9a-f]{40})\b"#),
    // ---- Infrastructure, cloud and observability --------------------------------------------------
    r("vault-service-token", "HashiCorp Vault service token (hvs.)", "https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes",
      &["hvs."], concat!(r"\b(hvs\.[A-Za-z0-9_\-]{90,120})", end!())).sev(Critical).gl("vault-service-token"),
    r("vault-batch-token", "HashiCorp Vault batch token (hvb.)", "https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes",
      &["hvb."], concat!(r"\b(hvb\.[A-Za-z0-9_\-]{138,300})", end!())).gl("vault-batch-token"),
    r("vault-legacy-token", "HashiCorp Vault legacy service token (s.) near a Vault setting", "https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes",
      &["vault"], r"\b(s\.[A-Za-z0-9]{24})\b").around(200),
    r("terraform-cloud-token", "Terraform Cloud / HCP Terraform API token (.atlasv1.)", "https://developer.hashicorp.com/terraform/cloud-docs/users-teams-organizations/api-tokens",
      &[".atlasv1."], concat!(r"\b([A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=\-]{60,70})", end!())).sev(Critical).gl("hashicorp-tf-api-token"),
    r("digitalocean-pat", "DigitalOcean personal access token (dop_v1_)", "https://docs.digitalocean.com/reference/api/create-personal-access-token/",
      &["dop_v1_"], concat!(r"\b(dop_v1_[a-f0-9]{64})", end!())).sev(Critical).gl("digitalocean-pat"),
    r("digitalocean-oauth-token", "DigitalOcean OAuth access token (doo_v1_)", "https://docs.digitalocean.com/reference/api/oauth/",
      &["doo_v1_"], concat!(r"\b(doo_v1_[a-f0-9]{64})", end!())).gl("digitalocean-access-token"),
    r("digitalocean-refresh-token", "DigitalOcean OAuth refresh token (dor_v1_)", "https://docs.digitalocean.com/reference/api/oauth/",
      &["dor_v1_"], concat!(r"\b(dor_v1_[a-f0-9]{64})", end!())).gl("digitalocean-refresh-token"),
    r("heroku-api-key", "Heroku API key (a UUID) near a Heroku setting", "https://devcenter.heroku.com/articles/authentication",
      &["heroku"], r"\b([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b").around(200).uuid_ok().gl("heroku-api-key"),
    r("heroku-api-key-v2", "Heroku API key (HRKU-)", "https://devcenter.heroku.com/articles/authentication",
      &["HRKU-"], concat!(r"\b(HRKU-AA[0-9a-zA-Z_\-]{58})", end!())).gl("heroku-api-key-v2"),
    r("databricks-token", "Databricks personal access token (dapi)", "https://docs.databricks.com/aws/en/dev-tools/auth/pat",
      &["dapi"], concat!(r"\b(dapi[a-f0-9]{32}(?:-\d)?)", end!())).gl("databricks-api-token"),
    r("grafana-cloud-token", "Grafana Cloud access policy token (glc_)", "https://grafana.com/docs/grafana-cloud/security-and-account-management/authentication-and-permissions/access-policies/",
      &["glc_"], concat!(r"\b(glc_[A-Za-z0-9+/]{32,400}={0,2})", end!())).gl("grafana-cloud-api-token"),
    r("grafana-service-account-token", "Grafana service account token (glsa_)", "https://grafana.com/docs/grafana/latest/administration/service-accounts/",
      &["glsa_"], concat!(r"\b(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})", end!())).gl("grafana-service-account-token"),
    r("grafana-api-key", "Grafana legacy API key (eyJrIjoi)", "https://grafana.com/docs/grafana/latest/administration/service-accounts/",
      &["eyJrIjoi"], concat!(r"\b(eyJrIjoi[A-Za-z0-9]{70,400}={0,2})", end!())).gl("grafana-api-key"),
    r("datadog-api-key", "Datadog API key near a Datadog setting", "https://docs.datadoghq.com/account_management/api-app-keys/",
      &["datadog", "dd_api_key"], r#"(?i)(?:datadog|dd)[\w.\-]{0,20}api[\w.\-]{0,5}key["']?(?:\s*:\s*&?(?:'static\s+)?[\w<>\[\]]+)?\s*[:=]\s*["']?([0-9a-f]{32})\b"#).gl("datadog-access-token"),
    r("datadog-app-key", "Datadog application key near a Datadog setting", "https://docs.datadoghq.com/account_management/api-app-keys/",
      &["datadog", "dd_app", "dd_application"], r#"(?i)(?:datadog|dd)[\w.\-]{0,20}app(?:lication)?[\w.\-]{0,5}key["']?(?:\s*:\s*&?(?:'static\s+)?[\w<>\[\]]+)?\s*[:=]\s*["']?([0-9a-f]{40})\b"#),
    r("newrelic-user-api-key", "New Relic user API key (NRAK-)", "https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/",
      &["NRAK-"], concat!(r"\b(NRAK-[A-Z0-9]{27})", end!())).gl("new-relic-user-api-key"),
    r("newrelic-insert-key", "New Relic insert key (NRII-)", "https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/",
      &["NRII-"], concat!(r"\b(NRII-[A-Za-z0-9_\-]{32})", end!())).gl("new-relic-insert-key"),
    r("newrelic-browser-key", "New Relic browser API key (NRJS-)", "https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/",
      &["NRJS-"], concat!(r"\b(NRJS-[a-f0-9]{19})", end!())).sev(Medium).gl("new-relic-browser-api-token"),
    r("newrelic-license-key", "New Relic ingest license key (…NRAL)", "https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/",
      &["NRAL"], r"\b([a-f0-9]{36}NRAL)\b"),
    r("sentry-org-token", "Sentry organization auth token (sntrys_)", "https://docs.sentry.io/account/auth-tokens/",
      &["sntrys_"], concat!(r"\b(sntrys_eyJ[A-Za-z0-9+/=_\-]{60,400})", end!())).gl("sentry-org-token"),
    r("sentry-user-token", "Sentry user auth token (sntryu_)", "https://docs.sentry.io/account/auth-tokens/",
      &["sntryu_"], concat!(r"\b(sntryu_[a-f0-9]{64})", end!())).gl("sentry-user-token"),
    r("dynatrace-api-token", "Dynatrace API token (dt0c01.)", "https://docs.dynatrace.com/docs/manage/identity-access-management/access-tokens-and-oauth-clients/access-tokens",
      &["dt0c01."], concat!(r"\b(dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64})", end!())).gl("dynatrace-api-token"),
    r("cloudflare-origin-ca-key", "Cloudflare Origin CA key (v1.0-)", "https://developers.cloudflare.com/fundamentals/api/get-started/ca-keys/",
      &["v1.0-"], concat!(r"\b(v1\.0-[a-f0-9]{24}-[a-f0-9]{146})", end!())).gl("cloudflare-origin-ca-key"),
    r("cloudflare-api-token", "Cloudflare API token near a Cloudflare setting", "https://developers.cloudflare.com/fundamentals/api/get-started/create-token/",
      &["cloudflare", "cf_api_token"], r#"(?i)(?:cloudflare|cf)[\w.\-]{0,20}(?:token|key)["']?(?:\s*:\s*&?(?:'static\s+)?[\w<>\[\]]+)?\s*[:=]\s*["']?([A-Za-z0-9_\-]{40})(?:[^A-Za-z0-9_\-]|$)"#).gl("cloudflare-api-key"),
    r("flyio-access-token", "Fly.io access token (fo1_, FlyV1)", "https://fly.io/docs/security/tokens/",
      &["fo1_", "FlyV1 fm"], concat!(r"\b(fo1_[A-Za-z0-9_\-]{43}|FlyV1 fm[12][ar]?_[A-Za-z0-9+/]{100,}={0,2})", end!())).gl("flyio-access-token"),
    r("netlify-access-token", "Netlify personal access token (nfp_)", "https://docs.netlify.com/api/get-started/#authentication",
      &["nfp_"], concat!(r"\b(nfp_[A-Za-z0-9]{36})", end!())),
    r("render-api-key", "Render API key (rnd_)", "https://render.com/docs/api#1-create-an-api-key",
      &["rnd_"], concat!(r"\b(rnd_[A-Za-z0-9]{32})", end!())),
    r("supabase-access-token", "Supabase personal access token (sbp_)", "https://supabase.com/docs/reference/api/introduction",
      &["sbp_"], concat!(r"\b(sbp_[a-f0-9]{40})", end!())),
    r("supabase-secret-key", "Supabase secret API key (sb_secret_)", "https://supabase.com/docs/guides/api/api-keys",
      &["sb_secret_"], concat!(r"\b(sb_secret_[A-Za-z0-9_\-]{31,64})", end!())).sev(Critical),
    r("neon-api-key", "Neon API key (napi_)", "https://neon.com/docs/manage/api-keys",
      &["napi_"], concat!(r"\b(napi_[a-z0-9]{64})", end!())),
    r("planetscale-api-token", "PlanetScale service token (pscale_tkn_)", "https://planetscale.com/docs/concepts/service-tokens",
      &["pscale_tkn_"], concat!(r"\b(pscale_tkn_[A-Za-z0-9_=.\-]{32,64})", end!())).gl("planetscale-api-token"),
    r("planetscale-password", "PlanetScale database password (pscale_pw_)", "https://planetscale.com/docs/concepts/connection-strings",
      &["pscale_pw_"], concat!(r"\b(pscale_pw_[A-Za-z0-9_=.\-]{32,64})", end!())).sev(Critical).gl("planetscale-password"),
    r("planetscale-oauth-token", "PlanetScale OAuth token (pscale_oauth_)", "https://planetscale.com/docs/concepts/service-tokens",
      &["pscale_oauth_"], concat!(r"\b(pscale_oauth_[A-Za-z0-9_=.\-]{32,64})", end!())).gl("planetscale-oauth-token"),
    r("tailscale-key", "Tailscale API, auth or OAuth client key (tskey-)", "https://tailscale.com/kb/1085/auth-keys",
      &["tskey-"], concat!(r"\b(tskey-(?:api|auth|client|webhook|scim)-[A-Za-z0-9]{10,20}-[A-Za-z0-9]{20,40})", end!())),
    r("alibaba-access-key-id", "Alibaba Cloud AccessKey id (LTAI)", "https://www.alibabacloud.com/help/en/ram/user-guide/create-an-accesskey-pair",
      &["LTAI"], concat!(r"\b(LTAI[A-Za-z0-9]{20})", end!())).gl("alibaba-access-key-id"),
    r("alibaba-secret-key", "Alibaba Cloud AccessKey secret near an Alibaba setting", "https://www.alibabacloud.com/help/en/ram/user-guide/create-an-accesskey-pair",
      &["alibaba", "aliyun", "access_key_secret", "accesskeysecret"], r#"(?i)(?:alibaba|aliyun|access)[\w.\-]{0,20}secret["']?(?:\s*:\s*&?(?:'static\s+)?[\w<>\[\]]+)?\s*[:=]\s*["']?([A-Za-z0-9]{30})\b"#).gl("alibaba-secret-key"),
    r("tencent-secret-id", "Tencent Cloud SecretId (AKID)", "https://www.tencentcloud.com/document/product/598/34228",
      &["AKID"], concat!(r"\b(AKID[A-Za-z0-9]{32})", end!())),
    r("yandex-api-key", "Yandex Cloud API key (AQVN)", "https://yandex.cloud/en/docs/iam/concepts/authorization/api-key",
      &["AQVN"], concat!(r"\b(AQVN[A-Za-z0-9_\-]{35,38})", end!())).gl("yandex-api-key"),
    r("openshift-user-token", "OpenShift user token (sha256~)", "https://docs.redhat.com/en/documentation/openshift_container_platform/4.16/html/authentication_and_authorization/",
      &["sha256~"], concat!(r"\b(sha256~[A-Za-z0-9_\-]{43})", end!())).gl("openshift-user-token"),
    r("clickhouse-cloud-secret", "ClickHouse Cloud API secret (4b1d)", "https://clickhouse.com/docs/cloud/manage/openapi",
      &["4b1d"], concat!(r"\b(4b1d[A-Za-z0-9]{38})", end!())).gl("clickhouse-cloud-api-secret-key"),
    r("defined-networking-api-token", "Defined Networking (Nebula) API token (dnkey-)", "https://docs.defined.net/guides/automating-host-creation/",
      &["dnkey-"], concat!(r"\b(dnkey-[a-z0-9=_\-]{26}-[a-z0-9=_\-]{52})", end!())).gl("defined-networking-api-token"),
    r("maxmind-license-key", "MaxMind license key (_mmk)", "https://dev.maxmind.com/license-key-format",
      &["_mmk"], r"\b([A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk)\b").gl("maxmind-license-key"),
    r("mapbox-secret-token", "Mapbox secret access token (sk.eyJ)", "https://docs.mapbox.com/accounts/guides/tokens/",
      &["sk.eyJ"], concat!(r"\b(sk\.eyJ[A-Za-z0-9_\-]{40,200}\.[A-Za-z0-9_\-]{20,40})", end!())),
    r("dropbox-access-token", "Dropbox short-lived access token (sl.)", "https://developers.dropbox.com/oauth-guide",
      &["dropbox"], r"\b(sl\.[A-Za-z0-9_\-]{130,160})").around(300).gl("dropbox-short-lived-api-token"),
    r("algolia-admin-key", "Algolia admin API key near an Algolia setting", "https://www.algolia.com/doc/guides/security/api-keys/",
      &["algolia"], r#"(?i)algolia[\w.\-]{0,20}(?:admin|api|write)[\w.\-]{0,10}key["']?(?:\s*:\s*&?(?:'static\s+)?[\w<>\[\]]+)?\s*[:=]\s*["']?([a-f0-9]{32})\b"#).gl("algolia-api-key"),
    r("okta-api-token", "Okta API token near an Okta setting", "https://developer.okta.com/docs/guides/create-an-api-token/",
      &["okta"], r#"(?i)okta[\w.\-]{0,20}(?:token|key)["']?(?:\s*:\s*&?(?:'static\s+)?[\w<>\[\]]+)?\s*[:=]\s*["']?(00[A-Za-z0-9_\-]{40})(?:[^A-Za-z0-9_\-]|$)"#).gl("okta-access-token"),
    r("fastly-api-token", "Fastly API token near a Fastly setting", "https://docs.fastly.com/en/guides/using-api-tokens",
      &["fastly"], r#"(?i)fastly[\w.\-]{0,20}(?:token|key)["']?(?:\s*:\s*&?(?:'static\s+)?[\w<>\[\]]+)?\s*[:=]\s*["']?([A-Za-z0-9_\-]{32})(?:[^A-Za-z0-9_\-]|$)"#).gl("fastly-api-token"),
    // ---- SaaS and developer tools -----------------------------------------------------------------
    r("atlassian-api-token", "Atlassian API token (ATATT3)", "https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/",
      &["ATATT3"], concat!(r"\b(ATATT3[A-Za-z0-9_=\-]{186})", end!())).gl("atlassian-api-token"),
    r("linear-api-key", "Linear API key (lin_api_)", "https://linear.app/developers/graphql#personal-api-keys",
      &["lin_api_"], concat!(r"\b(lin_api_[A-Za-z0-9]{40})", end!())).gl("linear-api-key"),
    r("doppler-token", "Doppler personal, service, CLI or SCIM token (dp.pt., dp.st., dp.ct., dp.scim.)", "https://docs.doppler.com/reference/auth-token-formats",
      &["dp.pt.", "dp.st.", "dp.ct.", "dp.sa.", "dp.scim.", "dp.audit."], concat!(r"\b(dp\.(?:pt|st|ct|sa|scim|audit)\.(?:[a-z0-9_\-]{2,35}\.)?[A-Za-z0-9]{40,44})", end!())).gl("doppler-api-token"),
    r("1password-service-account-token", "1Password service account token (ops_eyJ)", "https://developer.1password.com/docs/service-accounts/",
      &["ops_eyJ"], concat!(r"\b(ops_eyJ[A-Za-z0-9+/]{250,}={0,3})", end!())).sev(Critical).gl("1password-service-account-token"),
    r("1password-secret-key", "1Password account Secret Key (A3-)", "https://support.1password.com/secret-key-security/",
      &["A3-"], r"\b(A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})\b").gl("1password-secret-key"),
    r("age-secret-key", "age encryption secret key (AGE-SECRET-KEY-1)", "https://age-encryption.org/v1",
      &["AGE-SECRET-KEY-1"], r"\b(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\b").check(K::Bech32, A).sev(Critical).gl("age-secret-key"),
    r("airtable-pat", "Airtable personal access token (pat…)", "https://airtable.com/developers/web/guides/personal-access-tokens",
      &["airtable"], r"\b(pat[A-Za-z0-9]{14}\.[a-f0-9]{64})\b").around(300).gl("airtable-personnal-access-token"),
    r("notion-integration-token", "Notion integration token (ntn_)", "https://developers.notion.com/docs/authorization",
      &["ntn_"], concat!(r"\b(ntn_[0-9]{11}[A-Za-z0-9]{35})", end!())),
    r("figma-pat", "Figma personal access token (figd_)", "https://www.figma.com/developers/api#access-tokens",
      &["figd_"], concat!(r"\b(figd_[A-Za-z0-9_\-]{40})", end!())),
    r("contentful-pat", "Contentful personal access token (CFPAT-)", "https://www.contentful.com/developers/docs/references/authentication/",
      &["CFPAT-"], concat!(r"\b(CFPAT-[A-Za-z0-9_\-]{43})", end!())),
    r("typeform-api-token", "Typeform personal token (tfp_)", "https://www.typeform.com/developers/get-started/personal-access-token/",
      &["tfp_"], concat!(r"\b(tfp_[A-Za-z0-9_\-=.]{59})", end!())).gl("typeform-api-token"),
    r("frameio-api-token", "Frame.io developer token (fio-u-)", "https://developer.frame.io/docs/getting-started/authentication",
      &["fio-u-"], concat!(r"\b(fio-u-[A-Za-z0-9_=\-]{64})", end!())).gl("frameio-api-token"),
    r("hubspot-private-app-token", "HubSpot private app access token (pat-na1-, pat-eu1-)", "https://developers.hubspot.com/docs/api/private-apps",
      &["pat-na1-", "pat-eu1-"], r"\b(pat-(?:na|eu)1-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b").uuid_ok(),
    r("settlemint-token", "SettleMint access token (sm_pat_, sm_aat_, sm_sat_)", "https://console.settlemint.com/documentation/",
      &["sm_pat_", "sm_aat_", "sm_sat_"], concat!(r"\b(sm_(?:pat|aat|sat)_[A-Za-z0-9]{16})", end!())).gl("settlemint-personal-access-token"),
    r("twitter-bearer-token", "X (Twitter) app bearer token", "https://developer.x.com/en/docs/authentication/oauth-2-0/bearer-tokens",
      &["AAAAAAAAAAAAAAAAAAAAA"], r"\b(AAAAAAAAAAAAAAAAAAAAA[A-Za-z0-9%]{60,120})").gl("twitter-bearer-token"),
    r("facebook-access-token", "Meta (Facebook) access token (EAAB, EAAG …)", "https://developers.facebook.com/docs/facebook-login/guides/access-tokens",
      &["EAAB", "EAAG", "EAAI", "EAAJ", "EAAC"], concat!(r"\b(EAA[BCGIJ][A-Za-z0-9]{100,300})", end!())).gl("facebook-access-token"),
    r("sidekiq-sensitive-url", "Sidekiq Pro/Enterprise gem server credentials in a URL", "https://github.com/sidekiq/sidekiq/wiki/Pro-Installation",
      &["contribsys.com"], r"https?://([a-f0-9]{8}:[a-f0-9]{8})@(?:gems|enterprise)\.contribsys\.com").gl("sidekiq-sensitive-url"),
    r("authress-access-key", "Authress service client access key", "https://authress.io/knowledge-base/docs/authorization/service-clients",
      &[".acc_", ".acc-"], r"\b((?:sc|ext|scauth|authress)_[a-z0-9]{5,30}\.[a-z0-9]{4,6}\.acc[_\-][a-z0-9\-]{10,32}\.[a-z0-9+/_=\-]{30,120})").gl("authress-service-client-access-key"),
    // ---- Private keys and key stores --------------------------------------------------------------
    r("private-key", "PEM private key (PKCS#1 RSA, SEC1 EC, DSA, PKCS#8, encrypted PKCS#8)", "https://www.rfc-editor.org/rfc/rfc7468",
      &["PRIVATE KEY-----"], r"-----BEGIN ((?:RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY)-----[\s\S]*?-----END ")
        .after(16384).check(K::Pem, A).sev(Critical).gl("private-key"),
    r("openssh-private-key", "OpenSSH private key (openssh-key-v1)", "https://cvsweb.openbsd.org/src/usr.bin/ssh/PROTOCOL.key",
      &["BEGIN OPENSSH PRIVATE KEY"], r"-----BEGIN OPENSSH PRIVATE KEY-----[\s\S]*?-----END ")
        .after(16384).check(K::OpenSsh, A).sev(Critical).gl("private-key"),
    r("pgp-private-key", "OpenPGP private key block", "https://www.rfc-editor.org/rfc/rfc9580#name-armor-header-line",
      &["BEGIN PGP PRIVATE KEY BLOCK"], r"-----BEGIN PGP PRIVATE KEY BLOCK-----[\s\S]*?-----END ")
        .after(24576).check(K::Pgp, A).sev(Critical).gl("private-key"),
    r("putty-private-key", "PuTTY private key file", "https://the.earth.li/~sgtatham/putty/0.78/htmldoc/AppendixC.html",
      &["PuTTY-User-Key-File-"], r"PuTTY-User-Key-File-[23]: (ssh-[a-z0-9\-]+)").sev(Critical),
    r("keystore-file", "Key store file (PKCS#12 .p12/.pfx, Java .jks/.keystore, BouncyCastle .bks)", "https://www.rfc-editor.org/rfc/rfc7292",
      &[], "").files(Files::Extension(&["p12", "pfx", "jks", "keystore", "bks"])).sev(Medium),
    r("jwt", "JSON Web Token (header and payload verified)", "https://www.rfc-editor.org/rfc/rfc7519",
      &["eyJ"], concat!(r"\b(eyJ[A-Za-z0-9_\-]{10,800}\.eyJ[A-Za-z0-9_\-]{10,4000}\.[A-Za-z0-9_\-]{0,1000})", end!()))
        .check(K::Jwt, A).sev(Medium).gl("jwt"),
    // ---- Credentials in URLs and connection strings -----------------------------------------------
    r("postgres-url-password", "Password in a PostgreSQL connection URL", "https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS",
      &["postgres://", "postgresql://"], r#"\bpostgres(?:ql)?://[^:/\s@"'<>]{1,64}:([^@/\s"'<>]{3,128})@[^\s"'<>]+"#).sev(Critical),
    r("mysql-url-password", "Password in a MySQL / MariaDB connection URL", "https://dev.mysql.com/doc/refman/8.4/en/connecting-using-uri-or-key-value-pairs.html",
      &["mysql://", "mariadb://", "mysql+"], r#"\b(?:mysql|mariadb)(?:\+[a-z]+)?://[^:/\s@"'<>]{1,64}:([^@/\s"'<>]{3,128})@[^\s"'<>]+"#).sev(Critical),
    r("mongodb-url-password", "Password in a MongoDB connection string (mongodb://, mongodb+srv://)", "https://www.mongodb.com/docs/manual/reference/connection-string/",
      &["mongodb://", "mongodb+srv://"], r#"\bmongodb(?:\+srv)?://[^:/\s@"'<>]{1,64}:([^@/\s"'<>]{3,128})@[^\s"'<>]+"#).sev(Critical),
    r("redis-url-password", "Password in a Redis connection URL", "https://www.iana.org/assignments/uri-schemes/prov/redis",
      &["redis://", "rediss://"], r#"\brediss?://[^:/\s@"'<>]{0,64}:([^@/\s"'<>]{3,128})@[^\s"'<>]+"#),
    r("amqp-url-password", "Password in an AMQP (RabbitMQ) URL", "https://www.rabbitmq.com/docs/uri-spec",
      &["amqp://", "amqps://"], r#"\bamqps?://[^:/\s@"'<>]{1,64}:([^@/\s"'<>]{3,128})@[^\s"'<>]+"#),
    r("ftp-url-password", "Password in an FTP/SFTP URL", "https://www.rfc-editor.org/rfc/rfc1738#section-3.2",
      &["ftp://", "sftp://", "ftps://"], r#"\bs?ftps?://[^:/\s@"'<>]{1,64}:([^@/\s"'<>]{3,128})@[^\s"'<>]+"#),
    r("ldap-url-password", "Password in an LDAP URL", "https://www.rfc-editor.org/rfc/rfc4516",
      &["ldap://", "ldaps://"], r#"\bldaps?://[^:/\s@"'<>]{1,64}:([^@/\s"'<>]{3,128})@[^\s"'<>]+"#),
    r("http-basic-auth-url", "User and password in an HTTP(S) URL (user:pass@host)", "https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1",
      &["http://", "https://"], r#"\bhttps?://[A-Za-z0-9._%+\-~]{1,64}:([^@/\s"'<>:]{3,128})@[A-Za-z0-9.\-]+"#),
    r("jdbc-password", "Password in a JDBC URL or ADO.NET connection string", "https://learn.microsoft.com/en-us/dotnet/framework/data/adonet/connection-string-syntax",
      &["jdbc:", "password=", "pwd="], r#"(?i)(?:jdbc:[a-z0-9]+:[^\s"']*[?;&]|Server=[^\s"';]+;[^"'\n]*?)(?:password|pwd)=([^;&\s"']{3,128})"#).sev(Critical),
    // ---- Files with a known layout ----------------------------------------------------------------
    r("npmrc-auth-token", "npm registry auth token in .npmrc (_authToken)", "https://docs.npmjs.com/cli/v10/configuring-npm/npmrc#auth-related-configuration",
      &["_authToken"], r"_authToken\s*=\s*([^\s]{8,})").files(Files::Named(&[".npmrc", "npmrc"])).sev(Critical),
    r("npmrc-auth", "npm registry basic auth or password in .npmrc (_auth, _password)", "https://docs.npmjs.com/cli/v10/configuring-npm/npmrc#auth-related-configuration",
      &["_auth", "_password"], r"(?:^|:)_(?:auth|password)\s*=\s*([A-Za-z0-9+/=]{8,})").files(Files::Named(&[".npmrc", "npmrc"])).sev(Critical),
    r("pypirc-password", "Password in .pypirc", "https://packaging.python.org/en/latest/specifications/pypirc/",
      &["password"], r"(?m)^\s*password\s*[=:]\s*(\S{6,})").files(Files::Named(&[".pypirc"])).sev(Critical),
    r("netrc-password", "Password in .netrc", "https://www.gnu.org/software/inetutils/manual/html_node/The-_002enetrc-file.html",
      &["password"], r"\bpassword\s+(\S{4,})").files(Files::Named(&[".netrc", "_netrc"])).sev(Critical),
    r("docker-config-auth", "Registry credentials in a Docker config.json (auths.*.auth)", "https://docs.docker.com/reference/cli/docker/login/#credential-stores",
      &["\"auth\""], r#""auth"\s*:\s*"([A-Za-z0-9+/]{8,}={0,2})""#).files(Files::Named(&["config.json", ".dockercfg"]))
        .check(K::BasicAuthBase64, A).sev(Critical),
    r("kubeconfig-client-key", "Client private key embedded in a kubeconfig (client-key-data)", "https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/",
      &["client-key-data"], r"client-key-data:\s*([A-Za-z0-9+/]{40,}={0,2})").check(K::Base64Pem, A).sev(Critical),
    r("kubeconfig-token", "Bearer token in a kubeconfig user entry", "https://kubernetes.io/docs/reference/access-authn-authz/authentication/",
      &["token:"], r#"(?m)^\s+token:\s*["']?([A-Za-z0-9_.\-]{20,2000})["']?\s*$"#)
        .files(Files::PathHas(&["kubeconfig", ".kube/config", "kube.config"])).sev(Critical),
    r("kubernetes-secret-data", "Base64 value in the data of a Kubernetes Secret manifest", "https://kubernetes.io/docs/concepts/configuration/secret/",
      &["kind: Secret"], r"(?m)^\s{2,}[A-Za-z0-9_.\-]+:\s*([A-Za-z0-9+/]{12,}={0,2})\s*$").whole_file().check(K::Base64, Tier::B).entropy(3.0),
    // ---- Generic assignments (tier C) -------------------------------------------------------------
    r("generic-password", "A password assigned in code or configuration", "https://cwe.mitre.org/data/definitions/798.html",
      &["password", "passwd", "pwd"],
      r#"(?i)(?:password|passwd|pwd|pass)[\w.\-]{0,20}["']?(?:\s*:\s*&?(?:'static\s+)?[\w<>\[\]]+)?\s*(?::=|=>|=|:)\s*(?:["'`]([^"'`\s()\[\]{}\\]{6,128})["'`]|([^\s"'`;,()\[\]{}\\]{8,128})\s*(?:\s#.*)?$)"#)
        .generic().entropy(2.8),
    r("generic-secret", "A secret assigned in code or configuration", "https://cwe.mitre.org/data/definitions/798.html",
      &["secret"], r#"(?i)secret[\w.\-]{0,20}["']?(?:\s*:\s*&?(?:'static\s+)?[\w<>\[\]]+)?\s*(?::=|=>|=|:)\s*(?:["'`]([^"'`\s()\[\]{}\\]{8,256})["'`]|([^\s"'`;,()\[\]{}\\]{12,256})\s*(?:\s#.*)?$)"#)
        .generic().entropy(3.3),
    r("generic-token", "A token assigned in code or configuration", "https://cwe.mitre.org/data/definitions/798.html",
      &["token"], r#"(?i)token[\w.\-]{0,20}["']?(?:\s*:\s*&?(?:'static\s+)?[\w<>\[\]]+)?\s*(?::=|=>|=|:)\s*(?:["'`]([^"'`\s()\[\]{}\\]{12,512})["'`]|([^\s"'`;,()\[\]{}\\]{16,512})\s*(?:\s#.*)?$)"#)
        .generic().entropy(3.5),
    r("generic-api-key", "An API key assigned in code or configuration", "https://cwe.mitre.org/data/definitions/798.html",
      // camelCase too (`apiKey`, `ClientKey`): the case variants of an anchor only cover the
      // lowercase, UPPERCASE and Capitalised spellings of the whole word.
      &["api_key", "apikey", "api-key", "access_key", "accesskey", "auth_key", "private_key", "client_key",
        "apiKey", "ApiKey", "accessKey", "AccessKey", "authKey", "AuthKey", "privateKey", "PrivateKey", "clientKey", "ClientKey"],
      r#"(?i)(?:api|access|auth|private|client)[_\-]?key[\w.\-]{0,20}["']?(?:\s*:\s*&?(?:'static\s+)?[\w<>\[\]]+)?\s*(?::=|=>|=|:)\s*(?:["'`]([^"'`\s()\[\]{}\\]{12,256})["'`]|([^\s"'`;,()\[\]{}\\]{16,256})\s*(?:\s#.*)?$)"#)
        .generic().entropy(3.5),
];

/// The rule with this id.
pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}
