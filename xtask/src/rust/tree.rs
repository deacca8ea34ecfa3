//! The module tree of the models: a node for every prefix of a model's
//! module path, which the typed modules and the catalog data both mirror.

use std::collections::BTreeMap;

use crate::models::Model;

/// One module of the tree: the model whose path it is, if any, and its
/// children by module name.
#[derive(Debug, Default)]
pub(super) struct Node<'a> {
    /// The model whose module this is.
    pub(super) model: Option<&'a Model>,
    /// The child modules, sorted by name.
    pub(super) children: BTreeMap<&'a str, Node<'a>>,
}

impl<'a> Node<'a> {
    /// The root of every model's path.
    pub(super) fn of(models: &'a [Model]) -> Self {
        let mut root = Self::default();
        for model in models {
            let mut node = &mut root;
            for segment in &model.path {
                node = node.children.entry(segment.as_str()).or_default();
            }
            node.model = Some(model);
        }
        root
    }

    /// Every node with its path, each before its children, siblings sorted.
    pub(super) fn walk(&self) -> Vec<(Vec<&'a str>, &Self)> {
        let mut out = Vec::new();
        self.visit(Vec::new(), &mut out);
        out
    }

    fn visit<'n>(&'n self, path: Vec<&'a str>, out: &mut Vec<(Vec<&'a str>, &'n Self)>) {
        out.push((path.clone(), self));
        for (name, child) in &self.children {
            let mut child_path = path.clone();
            child_path.push(*name);
            child.visit(child_path, out);
        }
    }
}
