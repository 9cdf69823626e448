//! The final filesystem of an image, built by applying each layer's entries in order without
//! unpacking anything: path → where its bytes are, which layer put it there, its mode.

use std::collections::BTreeMap;

use crate::layer::{Change, Record};

/// Most symbolic links followed while resolving one path (Linux's limit).
const MAX_HOPS: usize = 40;

/// What a path of the image is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// A regular file: its bytes are `size` bytes at `offset` of layer `layer`'s tar stream
    /// (for a hard link, the layer that holds the linked file).
    File {
        layer: usize,
        offset: u64,
        size: u64,
    },
    Dir,
    /// A symbolic link and its target as written.
    Symlink(String),
}

/// One path of the image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub kind: NodeKind,
    pub mode: u32,
    /// The layer (index, bottom first) whose entry put this path in its final state.
    pub layer: usize,
}

impl Node {
    /// Where a regular file's bytes are: (layer, offset, size).
    pub fn bytes(&self) -> Option<(usize, u64, u64)> {
        match self.kind {
            NodeKind::File {
                layer,
                offset,
                size,
            } => Some((layer, offset, size)),
            _ => None,
        }
    }
}

/// The image's filesystem after every layer, paths relative to the root with forward slashes.
#[derive(Debug)]
pub struct FileSystem {
    nodes: BTreeMap<String, Node>,
    diff_ids: Vec<String>,
}

impl FileSystem {
    pub(crate) fn new(diff_ids: Vec<String>) -> Self {
        FileSystem {
            nodes: BTreeMap::new(),
            diff_ids,
        }
    }

    /// Applies the entries of layer `layer` in their order; `problem` hears of entries that
    /// could not be applied (a hard link to nothing).
    pub(crate) fn apply(
        &mut self,
        layer: usize,
        records: &[Record],
        problem: &mut dyn FnMut(&Record, String),
    ) {
        for r in records {
            let node = |kind| Node {
                kind,
                mode: r.mode,
                layer,
            };
            match &r.change {
                Change::Whiteout(path) => {
                    if self.nodes.get(path).is_some_and(|n| n.layer < layer) {
                        self.nodes.remove(path);
                    }
                    self.remove_under(path, layer);
                }
                Change::Opaque(dir) => self.remove_under(dir, layer),
                Change::File => self.put(
                    &r.path,
                    node(NodeKind::File {
                        layer,
                        offset: r.offset,
                        size: r.size,
                    }),
                ),
                Change::Dir => self.put(&r.path, node(NodeKind::Dir)),
                Change::Symlink(target) => {
                    self.put(&r.path, node(NodeKind::Symlink(target.clone())))
                }
                Change::Hardlink(target) => match self.nodes.get(target).map(|n| &n.kind) {
                    Some(k @ (NodeKind::File { .. } | NodeKind::Symlink(_))) => {
                        let kind = k.clone();
                        self.put(&r.path, node(kind));
                    }
                    _ => problem(
                        r,
                        format!("a hard link to `{target}`, which is not a file of the image"),
                    ),
                },
                Change::Special => {
                    self.nodes.remove(&r.path);
                    self.remove_under(&r.path, usize::MAX);
                }
            }
        }
    }

    /// Sets a path; anything that is not a folder hides what was below it.
    fn put(&mut self, path: &str, node: Node) {
        if node.kind != NodeKind::Dir {
            self.remove_under(path, usize::MAX);
        }
        self.nodes.insert(path.to_string(), node);
    }

    /// Removes every path under `dir` put there by a layer below `below`.
    fn remove_under(&mut self, dir: &str, below: usize) {
        let doomed: Vec<String> = if dir.is_empty() {
            self.nodes
                .iter()
                .filter(|(_, n)| n.layer < below)
                .map(|(k, _)| k.clone())
                .collect()
        } else {
            let prefix = format!("{dir}/");
            self.nodes
                .range(prefix.clone()..)
                .take_while(|(k, _)| k.starts_with(&prefix))
                .filter(|(_, n)| n.layer < below)
                .map(|(k, _)| k.clone())
                .collect()
        };
        for k in doomed {
            self.nodes.remove(&k);
        }
    }

    /// The node at exactly this path (no link followed).
    pub fn get(&self, path: &str) -> Option<&Node> {
        self.nodes.get(path)
    }

    /// The node a path leads to, symbolic links followed the way the kernel would inside a
    /// chroot: absolute targets start again at the image root and `..` stops at it, so a lookup
    /// never leaves the image. Returns the path reached.
    pub fn resolve(&self, path: &str) -> Option<(&str, &Node)> {
        let mut pending: Vec<String> = path.split('/').rev().map(str::to_string).collect();
        let mut cur: Vec<String> = Vec::new();
        let mut hops = 0;
        while let Some(part) = pending.pop() {
            match part.as_str() {
                "" | "." => continue,
                ".." => {
                    cur.pop();
                    continue;
                }
                _ => cur.push(part),
            }
            if let Some(NodeKind::Symlink(target)) = self.nodes.get(&cur.join("/")).map(|n| &n.kind)
            {
                hops += 1;
                if hops > MAX_HOPS {
                    return None;
                }
                cur.pop();
                if target.starts_with('/') {
                    cur.clear();
                }
                pending.extend(target.split('/').rev().map(str::to_string));
            }
        }
        self.nodes
            .get_key_value(&cur.join("/"))
            .map(|(k, n)| (k.as_str(), n))
    }

    /// Every path and its node, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Node)> {
        self.nodes.iter().map(|(k, n)| (k.as_str(), n))
    }

    /// Number of paths.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when the image has no path at all.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The diff id of the layer that put this path (exactly as given) in its final state.
    pub fn layer_of(&self, path: &str) -> Option<&str> {
        let node = self.nodes.get(path.trim_start_matches('/'))?;
        self.diff_ids.get(node.layer).map(String::as_str)
    }
}
