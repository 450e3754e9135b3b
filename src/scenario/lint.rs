//! Warnings about a valid scenario that is probably not what was meant: a
//! scope that covers no usage, a discount that applies to nothing, and the like.

use super::*;

/// Every (workload, catalog model) pair that can carry tokens: each workload
/// and event on its own model, on every model routing can move it to, and
/// on the successors of the models that retire.
pub(super) fn usage_pairs(
    workloads: &[Workload],
    events: &[Event],
    routing: &[Routing],
    catalog: &Catalog,
) -> Vec<(String, usize)> {
    let mut pairs = own_pairs(workloads, events);
    for r in routing {
        add_routed(&mut pairs, r);
    }
    let mut k = 0;
    while k < pairs.len() {
        if let Some(r) = catalog.models[pairs[k].1].retirement {
            let p = (pairs[k].0.clone(), r.successor);
            if !pairs.contains(&p) {
                pairs.push(p);
            }
        }
        k += 1;
    }
    pairs
}

/// Offers whose scope covers a model that retires during their term but
/// not its successor: from the month after the retirement the traffic runs
/// outside the offer, so what the offer still commits is stranded.
pub(super) fn stranding_warnings(
    offers: &[offer::Offer],
    pairs: &[(String, usize)],
    catalog: &Catalog,
    start: Month,
    horizon: usize,
) -> Vec<String> {
    let mut out = Vec::new();
    for o in offers {
        let end = o.term_months.min(horizon) as i32;
        let covers = |w: &str, m: usize| o.scope.covers(&catalog.models[m].provider, &catalog.models[m].id, w);
        let mut said: Vec<usize> = Vec::new();
        for (w, m) in pairs {
            let Some(r) = catalog.models[*m].retirement else { continue };
            let from = r.last.since(start) + 1;
            if said.contains(m) || !covers(w, *m) || covers(w, r.successor) || from >= end {
                continue;
            }
            said.push(*m);
            let what = match o.kind {
                offer::OfferKind::Payg(_) => "its discount no longer applies to that traffic",
                offer::OfferKind::Provisioned(_) => {
                    "the capacity it reserves for that model is stranded: still billed, no longer used"
                }
                _ => "what it still commits for that traffic is stranded: billed, no longer drawn down",
            };
            out.push(format!(
                "offer `{}`: model `{}` retires after {}; from {} its traffic runs on `{}`, outside the offer's \
                 scope, so {what}; ask for the right to move the commitment to the successor",
                o.name,
                catalog.models[*m].id,
                r.last,
                r.last.plus(1),
                catalog.models[r.successor].id
            ));
        }
    }
    out
}

/// Each workload and event on its own model.
pub(super) fn own_pairs(workloads: &[Workload], events: &[Event]) -> Vec<(String, usize)> {
    let mut pairs: Vec<(String, usize)> = workloads.iter().map(|w| (w.name.clone(), w.model)).collect();
    pairs.extend(events.iter().map(|e| (e.workload.clone(), e.model)));
    pairs
}

/// Adds the pairs routing rule `r` creates: every workload on its `from`
/// model, on its `to` model.
pub(super) fn add_routed(pairs: &mut Vec<(String, usize)>, r: &Routing) {
    let moved: Vec<(String, usize)> =
        pairs.iter().filter(|(_, m)| *m == r.from).map(|(w, _)| (w.clone(), r.to)).collect();
    for p in moved {
        if !pairs.contains(&p) {
            pairs.push(p);
        }
    }
}

/// Offers that are probably not what their author meant, said rather than
/// guessed at: a scope no usage falls in, or a term that runs past the
/// horizon (the months after it are not billed).
pub(super) fn offer_warnings(
    offers: &[offer::Offer],
    pairs: &[(String, usize)],
    catalog: &Catalog,
    horizon: usize,
) -> Vec<String> {
    let mut out = Vec::new();
    for o in offers {
        let covered = |(w, m): &(String, usize)| {
            let model = &catalog.models[*m];
            o.scope.covers(&model.provider, &model.id, w)
        };
        if !pairs.iter().any(covered) {
            let so = match o.kind {
                offer::OfferKind::Payg(_) => "its discount applies to nothing",
                _ => "its commitment or capacity is never used",
            };
            out.push(format!(
                "offer `{}`: its scope covers none of the scenario's usage (no workload, event or routed \
                 model is in it), so {so}",
                o.name
            ));
        }
        if let offer::OfferKind::Commit(offer::Commit { credits: Some(cr), .. }) = &o.kind {
            let end = o.term_months.min(horizon);
            if let Some(&last) = cr.months.iter().find(|&&m| m + cr.expires_months > end) {
                out.push(format!(
                    "offer `{}`: credits bought in month {} of the scenario are still usable after its last \
                     billed month ({end}); what is left of them then is counted as waste",
                    o.name,
                    last + 1
                ));
            }
        }
        if o.term_months > horizon {
            out.push(format!(
                "offer `{}`: its term ({} months) runs past the horizon ({horizon} months); only the first \
                 {horizon} months are billed, so commitments and fees after the horizon are not in its cost",
                o.name, o.term_months
            ));
        }
    }
    out
}

/// Events and routing rules that cannot change anything, said rather than
/// silently dropped: an event starting after the horizon, a rule moving
/// tokens off a model nothing runs on (before it), or starting after the
/// horizon.
pub(super) fn usage_warnings(
    workloads: &[Workload],
    events: &[Event],
    routing: &[Routing],
    catalog: &Catalog,
    start: Month,
    horizon: usize,
) -> Vec<String> {
    let mut out = Vec::new();
    let end = start.plus(horizon as i32 - 1);
    for e in events.iter().filter(|e| e.start >= horizon as i32) {
        out.push(format!(
            "event `{}` starts in {}, after the horizon ends ({end}); it adds nothing",
            e.name,
            start.plus(e.start)
        ));
    }
    // The pairs before each rule: a rule may move what an earlier one routed.
    let mut pairs = own_pairs(workloads, events);
    for (i, r) in routing.iter().enumerate() {
        let (from, to) = (&catalog.models[r.from].id, &catalog.models[r.to].id);
        if !pairs.iter().any(|(_, m)| *m == r.from) {
            out.push(format!(
                "forecast.routing[{i}] ({from} to {to}) moves nothing: no workload or event runs on `{from}` \
                 before it"
            ));
        } else if r.start >= horizon as i32 {
            out.push(format!(
                "forecast.routing[{i}] ({from} to {to}) starts in {}, after the horizon ends ({end}); it moves \
                 nothing",
                start.plus(r.start)
            ));
        }
        add_routed(&mut pairs, r);
    }
    out
}
