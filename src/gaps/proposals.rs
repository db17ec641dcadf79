//! The actions the analysis proposes: one per distinct recommendation
//! among the high and medium gaps that no agreed action addresses. The
//! documents and the action plan tracker both list these, so they agree.

use std::collections::BTreeSet;

use super::{Gap, GapSeverity};
use crate::model::Assessment;

/// What a proposed action's lead and timescale say until the partnership
/// agrees them.
pub(crate) const TO_BE_AGREED: &str = "to be agreed";

/// A proposed action's status, beside the agreed actions' own.
pub(crate) const PROPOSED: &str = "Proposed";

/// The gaps some agreed action `addresses`, by id.
pub(crate) fn addressed(a: &Assessment) -> BTreeSet<&str> {
    a.actions
        .iter()
        .flat_map(|x| x.addresses.iter().map(String::as_str))
        .collect()
}

/// An action the plan proposes for gaps no agreed action addresses.
pub(crate) struct Proposed<'g> {
    /// `P1`, `P2`…
    pub reference: String,
    /// The first (most severe) gap it answers.
    pub gap: &'g Gap,
    /// Every gap with the same recommendation.
    pub gaps: Vec<&'g str>,
}

/// One proposed action per distinct recommendation among the high and
/// medium gaps that no agreed action `addresses`, in gap order. The
/// documents and the tracker both use this, so they always agree.
pub(crate) fn proposed_actions<'g>(a: &Assessment, gaps: &'g [Gap]) -> Vec<Proposed<'g>> {
    let addressed = addressed(a);
    let mut out: Vec<Proposed<'g>> = Vec::new();
    for g in gaps
        .iter()
        .filter(|g| g.severity != GapSeverity::Low && !addressed.contains(g.id.as_str()))
    {
        match out
            .iter_mut()
            .find(|p| p.gap.recommendation.text == g.recommendation.text)
        {
            Some(p) => p.gaps.push(&g.id),
            None => out.push(Proposed {
                reference: format!("P{}", out.len() + 1),
                gap: g,
                gaps: vec![&g.id],
            }),
        }
    }
    out
}

impl Proposed<'_> {
    /// `Close the no provision gap`.
    pub(crate) fn objective(&self) -> String {
        format!("Close the {} gap", self.gap.kind.label())
    }
}
