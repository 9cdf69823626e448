//! Scopes from the dependency graph, for formats that record edges but not why a package is there.

use std::collections::VecDeque;

use foldhash::HashMap;

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
    // Ids become positions: no hashing of ids in the walks. An id only an edge or a root names
    // still gets a position.
    let mut index: HashMap<&str, usize> = HashMap::default();
    index.reserve(parsed.components.len());
    let mut at = |id| {
        let next = index.len();
        *index.entry(id).or_insert(next)
    };
    let components: Vec<usize> = parsed
        .components
        .iter()
        .map(|c| at(c.id.as_str()))
        .collect();
    let edges: Vec<(usize, usize)> = parsed
        .edges
        .iter()
        .map(|(from, to)| (at(from.as_str()), at(to.as_str())))
        .collect();
    let [required, optional, dev] = [required, optional, dev]
        .map(|ids| ids.iter().map(|id| at(id.as_str())).collect::<Vec<_>>());
    let scope = reach(index.len(), &edges, [&required, &optional, &dev]);
    for (c, at) in parsed.components.iter_mut().zip(components) {
        if let Some(s) = scope[at] {
            c.scope = s;
        }
    }
}

/// [`scopes_from_roots`] on positions `0..count`: the scope each position gets from the roots
/// (required, optional, dev) that reach it along `(from, to)` edges, if any does.
pub(crate) fn reach(
    count: usize,
    edges: &[(usize, usize)],
    roots: [&[usize]; 3],
) -> Vec<Option<Scope>> {
    let next = Successors::new(count, edges.iter().copied());
    let mut scope: Vec<Option<Scope>> = vec![None; count];
    for (roots, s) in roots
        .into_iter()
        .zip([Scope::Required, Scope::Optional, Scope::Dev])
    {
        let mut seen = vec![false; count];
        let mut queue: VecDeque<usize> = roots.iter().copied().collect();
        while let Some(at) = queue.pop_front() {
            if std::mem::replace(&mut seen[at], true) {
                continue;
            }
            scope[at].get_or_insert(s);
            queue.extend(next.of(at));
        }
    }
    scope
}

/// Edges between positions `0..count` grouped by source, in one table (a counting sort: no
/// list per position, no comparisons).
pub(crate) struct Successors {
    /// The targets of `p` are `targets[first[p]..first[p + 1]]`, in edge order.
    first: Vec<usize>,
    targets: Vec<usize>,
}

impl Successors {
    pub(crate) fn new(count: usize, edges: impl Iterator<Item = (usize, usize)> + Clone) -> Self {
        let mut first = vec![0usize; count + 1];
        for (from, _) in edges.clone() {
            first[from + 1] += 1;
        }
        for p in 0..count {
            first[p + 1] += first[p];
        }
        let mut next = first.clone();
        let mut targets = vec![0usize; first[count]];
        for (from, to) in edges {
            targets[next[from]] = to;
            next[from] += 1;
        }
        Successors { first, targets }
    }

    /// The targets of the edges from `p`.
    pub(crate) fn of(&self, p: usize) -> &[usize] {
        &self.targets[self.first[p]..self.first[p + 1]]
    }

    /// The same, to reorder in place.
    pub(crate) fn of_mut(&mut self, p: usize) -> &mut [usize] {
        &mut self.targets[self.first[p]..self.first[p + 1]]
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
