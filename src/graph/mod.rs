//! The pathway graph: entry points and services as nodes, every referral
//! route (`accepts_from`, `refers_to`, `pathways`) as an edge, and which
//! services each cohort is eligible for.
//!
//! Analysis works per cohort on a filtered view of this one graph (edges a
//! cohort can use, into services that will take it), never on a copy.

mod export;

use rustc_hash::FxHashMap as HashMap;

use fixedbitset::FixedBitSet;
use petgraph::graph::{DiGraph, EdgeIndex, EdgeReference, NodeIndex};
use petgraph::visit::{Bfs, EdgeFiltered, EdgeRef, FilterEdge};

pub use export::{GraphFormat, export};

use crate::model::{Assessment, Cohort, CohortKind, Role, Service, ServiceKind};

/// What a node of the graph stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeRef {
    /// A virtual start joined to every entry point, so "reachable from any
    /// entry point" is reachability (and dominance) from one node.
    Root,
    Entry(usize),
    Service(usize),
}

/// Where an edge was declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeSource {
    AcceptsFrom,
    RefersTo,
    /// Index into `Assessment::pathways`.
    Pathway(usize),
}

/// A referral route between two nodes, merged from every declaration of it.
#[derive(Debug, Clone, Default)]
pub struct Route {
    pub sources: Vec<EdgeSource>,
    /// Cohorts the route is open to; `None` = everyone. A `pathways` entry
    /// with `cohorts:` limits the route to those cohorts.
    pub cohorts: Option<FixedBitSet>,
    /// Conditions from `pathways` (`when:`).
    pub when: Vec<String>,
}

impl Route {
    pub fn open_to(&self, cohort: usize) -> bool {
        self.cohorts.as_ref().is_none_or(|set| set.contains(cohort))
    }
}

/// The pathway graph of one assessment.
pub struct PathwayGraph<'a> {
    pub a: &'a Assessment,
    pub graph: DiGraph<NodeRef, Route>,
    pub root: NodeIndex,
    pub entry_nodes: Vec<NodeIndex>,
    pub service_nodes: Vec<NodeIndex>,
    /// Level indices of each service, in level order.
    pub service_levels: Vec<Vec<usize>>,
    /// `eligible[c]`: the services (by index) cohort `c` can use.
    pub eligible: Vec<FixedBitSet>,
}

impl<'a> PathwayGraph<'a> {
    /// Build the graph of a checked assessment. Ids that do not resolve are
    /// skipped (`check` reports them); the graph never panics on them.
    pub fn build(a: &'a Assessment) -> PathwayGraph<'a> {
        let mut graph = DiGraph::with_capacity(
            a.entry_points.len() + a.services.len() + 1,
            a.services.len() * 4 + a.entry_points.len(),
        );
        let root = graph.add_node(NodeRef::Root);
        let entry_nodes: Vec<NodeIndex> = (0..a.entry_points.len())
            .map(|i| graph.add_node(NodeRef::Entry(i)))
            .collect();
        let service_nodes: Vec<NodeIndex> = (0..a.services.len())
            .map(|i| graph.add_node(NodeRef::Service(i)))
            .collect();
        let mut ids: HashMap<&str, NodeIndex> = HashMap::with_capacity_and_hasher(
            entry_nodes.len() + service_nodes.len(),
            Default::default(),
        );
        for (e, &n) in a.entry_points.iter().zip(&entry_nodes) {
            ids.entry(e.id.as_str()).or_insert(n);
        }
        for (s, &n) in a.services.iter().zip(&service_nodes) {
            ids.entry(s.id.as_str()).or_insert(n);
        }
        let cohort_ids: HashMap<&str, usize> = a
            .cohorts
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();
        let level_ids: HashMap<&str, usize> = a
            .levels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.id.as_str(), i))
            .collect();

        let mut edges: HashMap<(NodeIndex, NodeIndex), EdgeIndex> = HashMap::default();
        let mut add = |graph: &mut DiGraph<NodeRef, Route>,
                       from: NodeIndex,
                       to: NodeIndex,
                       source: EdgeSource| {
            let e = *edges
                .entry((from, to))
                .or_insert_with(|| graph.add_edge(from, to, Route::default()));
            graph[e].sources.push(source);
            e
        };
        for &n in &entry_nodes {
            add(&mut graph, root, n, EdgeSource::AcceptsFrom);
        }
        for (s, &to) in a.services.iter().zip(&service_nodes) {
            for from in s.accepts_from.iter().filter_map(|id| ids.get(id.as_str())) {
                add(&mut graph, *from, to, EdgeSource::AcceptsFrom);
            }
            for target in s.refers_to.iter().filter_map(|id| ids.get(id.as_str())) {
                add(&mut graph, to, *target, EdgeSource::RefersTo);
            }
        }
        // Pathways add conditions; those naming cohorts limit the route to
        // them (the union, when several pathways share one route).
        for (i, p) in a.pathways.iter().enumerate() {
            let (Some(&from), Some(&to)) = (ids.get(p.from.as_str()), ids.get(p.to.as_str()))
            else {
                continue;
            };
            let e = add(&mut graph, from, to, EdgeSource::Pathway(i));
            let route = &mut graph[e];
            if let Some(when) = &p.when {
                route.when.push(when.clone());
            }
            if !p.cohorts.is_empty() {
                let set = route
                    .cohorts
                    .get_or_insert_with(|| FixedBitSet::with_capacity(a.cohorts.len()));
                for c in p
                    .cohorts
                    .iter()
                    .filter_map(|id| cohort_ids.get(id.as_str()))
                {
                    set.insert(*c);
                }
            }
        }
        // A pathway without cohort limits reopens the route to everyone.
        for e in graph.edge_indices().collect::<Vec<_>>() {
            let route = &graph[e];
            let unlimited = route.sources.iter().any(|s| match s {
                EdgeSource::Pathway(i) => a.pathways[*i].cohorts.is_empty(),
                _ => false,
            });
            if unlimited {
                graph[e].cohorts = None;
            }
        }
        let service_levels = a
            .services
            .iter()
            .map(|s| {
                let mut levels: Vec<usize> = s
                    .levels
                    .iter()
                    .filter_map(|l| level_ids.get(l.as_str()).copied())
                    .collect();
                levels.sort_unstable();
                levels.dedup();
                levels
            })
            .collect();
        let eligible = (0..a.cohorts.len())
            .map(|c| eligible_services(a, c, &cohort_ids))
            .collect();
        PathwayGraph {
            a,
            graph,
            root,
            entry_nodes,
            service_nodes,
            service_levels,
            eligible,
        }
    }

    pub fn service_of(&self, node: NodeIndex) -> Option<usize> {
        match self.graph[node] {
            NodeRef::Service(s) => Some(s),
            _ => None,
        }
    }

    /// The id of any node (the root is `start`).
    pub fn node_id(&self, node: NodeIndex) -> &str {
        match self.graph[node] {
            NodeRef::Root => "start",
            NodeRef::Entry(i) => &self.a.entry_points[i].id,
            NodeRef::Service(i) => &self.a.services[i].id,
        }
    }

    pub fn node_name(&self, node: NodeIndex) -> &str {
        match self.graph[node] {
            NodeRef::Root => "Start",
            NodeRef::Entry(i) => &self.a.entry_points[i].name,
            NodeRef::Service(i) => &self.a.services[i].name,
        }
    }

    /// Can cohort `c` use this node: entry points are open to all; a
    /// service only to cohorts it is eligible for.
    pub fn usable(&self, c: usize, node: NodeIndex) -> bool {
        match self.graph[node] {
            NodeRef::Root | NodeRef::Entry(_) => true,
            NodeRef::Service(s) => self.eligible[c].contains(s),
        }
    }

    /// The graph as cohort `c` sees it: routes open to it, between nodes it
    /// can use. A filtered view, not a copy.
    pub fn view(&self, c: usize) -> EdgeFiltered<&DiGraph<NodeRef, Route>, CohortFilter<'_, 'a>> {
        EdgeFiltered(&self.graph, CohortFilter { g: self, cohort: c })
    }

    /// Services cohort `c` can reach from any entry point.
    pub fn reachable(&self, c: usize) -> FixedBitSet {
        let view = self.view(c);
        let mut reached = FixedBitSet::with_capacity(self.a.services.len());
        let mut bfs = Bfs::new(&view, self.root);
        while let Some(n) = bfs.next(&view) {
            if let Some(s) = self.service_of(n) {
                reached.insert(s);
            }
        }
        reached
    }

    /// Services cohort `c` can reach from these entry points (indices into
    /// the assessment's `entry_points`): what people living in one locality
    /// can reach through the entry points that serve it.
    pub fn reachable_from(&self, c: usize, entries: &[usize]) -> FixedBitSet {
        use petgraph::visit::VisitMap;
        let view = self.view(c);
        let mut reached = FixedBitSet::with_capacity(self.a.services.len());
        let mut bfs = Bfs::new(&view, self.root);
        bfs.stack.clear();
        for &e in entries {
            let n = self.entry_nodes[e];
            if bfs.discovered.visit(n) {
                bfs.stack.push_back(n);
            }
        }
        while let Some(n) = bfs.next(&view) {
            if let Some(s) = self.service_of(n) {
                reached.insert(s);
            }
        }
        reached
    }

    /// Services at level `l`.
    pub fn at_level(&self, s: usize, l: usize) -> bool {
        self.service_levels[s].binary_search(&l).is_ok()
    }
}

/// The edge filter of one cohort's view of the graph.
pub struct CohortFilter<'g, 'a> {
    g: &'g PathwayGraph<'a>,
    cohort: usize,
}

impl<'e> FilterEdge<EdgeReference<'e, Route>> for CohortFilter<'_, '_> {
    fn include_edge(&self, e: EdgeReference<'e, Route>) -> bool {
        let c = self.cohort;
        e.weight().open_to(c) && self.g.usable(c, e.source()) && self.g.usable(c, e.target())
    }
}

/// Does the cohort's role fit the kind of service? Victim services do not
/// take perpetrators, and perpetrator programmes do not take victims.
pub fn role_fits(role: Role, kind: ServiceKind) -> bool {
    match role {
        Role::Perpetrator => matches!(
            kind,
            ServiceKind::PerpetratorProgramme | ServiceKind::MultiAgency
        ),
        Role::Victim | Role::Child => kind != ServiceKind::PerpetratorProgramme,
        Role::Family => true,
    }
}

/// Do two optional age ranges overlap?
pub fn ages_overlap(a: Option<crate::model::Ages>, b: Option<crate::model::Ages>) -> bool {
    let (a, b) = (a.unwrap_or_default(), b.unwrap_or_default());
    let lo = a.min.unwrap_or(0).max(b.min.unwrap_or(0));
    let hi = a.max.unwrap_or(i64::MAX).min(b.max.unwrap_or(i64::MAX));
    lo <= hi
}

/// Does a cohort's age range lie within a service's open age band? A
/// cohort that gives no ages is taken to fit: nothing says it does not.
pub fn ages_within(cohort: Option<crate::model::Ages>, band: Option<crate::model::Ages>) -> bool {
    let (Some(c), Some(band)) = (cohort, band) else {
        return true;
    };
    let lo_ok = band.min.is_none_or(|m| c.min.is_some_and(|x| x >= m));
    let hi_ok = band.max.is_none_or(|m| c.max.is_some_and(|x| x <= m));
    lo_ok && hi_ok
}

/// Does service `s` give specialist provision to the cohort: it lists the
/// cohort and is open to all (so listing means more), by and for a
/// community, or of the specialist support type?
pub fn is_specialist(s: &Service, cohort: &Cohort) -> bool {
    s.cohorts.iter().any(|c| c == &cohort.id)
        && (s.open_to.is_some()
            || s.by_and_for.is_some()
            || s.support
                .iter()
                .any(|x| x == "specialist-protected-characteristics"))
}

/// Is service `s` eligible for cohort `c`?
///
/// - it lists the cohort, or is open to its role (`open_to`) and its ages
///   lie within the band, or (for a need such as substance misuse) it
///   lists a group with the same role, since needs cut across groups;
/// - the cohort's role fits the service's kind;
/// - their ages overlap;
/// - it does not exclude the cohort.
pub fn is_eligible(
    s: &Service,
    cohort: &Cohort,
    cohorts: &[Cohort],
    ids: &HashMap<&str, usize>,
) -> bool {
    if s.excludes.iter().any(|e| e == &cohort.id) {
        return false;
    }
    if !role_fits(cohort.role, s.kind) || !ages_overlap(s.ages, cohort.ages) {
        return false;
    }
    if s.cohorts.iter().any(|c| c == &cohort.id) {
        return true;
    }
    if let Some(open) = &s.open_to
        && open.roles.contains(&cohort.role)
        && ages_within(cohort.ages, open.ages)
    {
        return true;
    }
    cohort.kind == CohortKind::Need
        && s.cohorts
            .iter()
            .filter_map(|c| ids.get(c.as_str()))
            .any(|&g| {
                let group = &cohorts[g];
                group.kind == CohortKind::Group && group.role == cohort.role
            })
}

fn eligible_services(a: &Assessment, c: usize, ids: &HashMap<&str, usize>) -> FixedBitSet {
    let cohort = &a.cohorts[c];
    let mut set = FixedBitSet::with_capacity(a.services.len());
    for (i, s) in a.services.iter().enumerate() {
        if is_eligible(s, cohort, &a.cohorts, ids) {
            set.insert(i);
        }
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Ages;

    #[test]
    fn ages_overlap_when_ranges_meet() {
        let teen = Some(Ages {
            min: Some(11),
            max: Some(17),
        });
        let adult = Some(Ages {
            min: Some(18),
            max: None,
        });
        let sixteen_plus = Some(Ages {
            min: Some(16),
            max: None,
        });
        assert!(!ages_overlap(teen, adult));
        assert!(ages_overlap(teen, sixteen_plus));
        assert!(ages_overlap(None, teen));
    }

    #[test]
    fn roles_fit_service_kinds() {
        assert!(!role_fits(Role::Victim, ServiceKind::PerpetratorProgramme));
        assert!(!role_fits(Role::Perpetrator, ServiceKind::Accommodation));
        assert!(role_fits(
            Role::Perpetrator,
            ServiceKind::PerpetratorProgramme
        ));
        assert!(role_fits(Role::Family, ServiceKind::Therapeutic));
    }
}
