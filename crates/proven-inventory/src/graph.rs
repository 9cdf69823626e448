//! Scopes from the dependency graph, for formats that record edges but not why a package is there.

use std::collections::VecDeque;

use foldhash::{HashMap, HashSet};

use proven_model::Scope;

use crate::parsers::Parsed;

/// Sets every component's scope from reachability: a component reached from a `required` root is
/// required; else from an `optional` root, optional; else from a `dev` root, dev. Components reached
/// from no root keep the scope the parser gave them. Roots are local ids of [`Parsed::components`].
pub fn scopes_from_roots(
    parsed: &mut Parsed,
    required: &[String],
    optional: &[String],
    dev: &[String],
) {
    let mut next: HashMap<&str, Vec<&str>> = HashMap::default();
    for (from, to) in &parsed.edges {
        next.entry(from.as_str()).or_default().push(to.as_str());
    }
    let mut scope: HashMap<&str, Scope> = HashMap::default();
    for (roots, s) in [
        (required, Scope::Required),
        (optional, Scope::Optional),
        (dev, Scope::Dev),
    ] {
        let mut seen: HashSet<&str> = HashSet::default();
        let mut queue: VecDeque<&str> = roots.iter().map(String::as_str).collect();
        while let Some(id) = queue.pop_front() {
            if !seen.insert(id) {
                continue;
            }
            scope.entry(id).or_insert(s);
            if let Some(n) = next.get(id) {
                queue.extend(n.iter().copied());
            }
        }
    }
    for c in &mut parsed.components {
        if let Some(s) = scope.get(c.id.as_str()) {
            c.scope = *s;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proven_model::{Component, Ecosystem, Location};

    fn comp(id: &str) -> Component {
        let mut c = Component::new(Ecosystem::Npm, None, id, Some("1.0.0"), Location::file("x"));
        c.id = id.into();
        c
    }

    #[test]
    fn required_wins_over_dev() {
        let mut p = Parsed {
            components: ["a", "b", "c", "d"].map(comp).into(),
            edges: vec![
                ("a".into(), "b".into()),
                ("c".into(), "b".into()),
                ("c".into(), "d".into()),
            ],
            ..Parsed::default()
        };
        scopes_from_roots(&mut p, &["a".into()], &[], &["c".into()]);
        let scopes: Vec<Scope> = p.components.iter().map(|c| c.scope).collect();
        assert_eq!(
            scopes,
            [Scope::Required, Scope::Required, Scope::Dev, Scope::Dev]
        );
    }
}
