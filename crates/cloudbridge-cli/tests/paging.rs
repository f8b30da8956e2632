//! `--limit` and `--marker` of the list commands.

mod common;

use std::collections::BTreeSet;

use common::{Cloud, id, ids};
use serde_json::Value;

/// Follows `--limit 2` pages from the first to the last and returns every id in order.
fn walk_pages(cloud: &Cloud, resource: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut marker: Option<String> = None;
    // Bounded: five items in pages of two need three pages; ten would mean a loop.
    for _ in 0..10 {
        let mut args = vec![resource, "list", "--limit", "2"];
        if let Some(marker) = &marker {
            args.extend(["--marker", marker.as_str()]);
        }
        let page = cloud.json(&args);
        let items = page["items"].as_array().expect("items is an array");
        assert!(items.len() <= 2, "{page}");
        seen.extend(items.iter().map(id));
        match &page["marker"] {
            Value::Null => return seen,
            Value::String(next) => marker = Some(next.clone()),
            other => panic!("marker is neither null nor a string: {other}"),
        }
    }
    panic!("more than 10 pages for 5 items: {seen:?}");
}

fn assert_same_items(paged: &[String], all: &[String]) {
    let unique: BTreeSet<&String> = paged.iter().collect();
    assert_eq!(unique.len(), paged.len(), "an item repeats: {paged:?}");
    let expected: BTreeSet<&String> = all.iter().collect();
    assert_eq!(unique, expected, "an item was skipped or added");
}

#[test]
fn volume_pages_have_no_repeats_or_skips() {
    let cloud = Cloud::new();
    for n in 1..=5 {
        cloud.volume(&format!("paged-{n}"), 1);
    }

    let paged = walk_pages(&cloud, "volume");
    let all = ids(&cloud.json(&["volume", "list"]));

    assert_eq!(all.len(), 5);
    assert_same_items(&paged, &all);
}

#[test]
fn snapshot_pages_have_no_repeats_or_skips() {
    let cloud = Cloud::new();
    let volume_id = cloud.volume("paged-source", 1);
    for n in 1..=5 {
        cloud.snapshot(&volume_id, &format!("paged-snap-{n}"));
    }

    let paged = walk_pages(&cloud, "snapshot");
    let all = ids(&cloud.json(&["snapshot", "list"]));

    assert_eq!(all.len(), 5);
    assert_same_items(&paged, &all);
}

#[test]
fn instance_pages_have_no_repeats_or_skips() {
    let cloud = Cloud::new();
    for n in 1..=5 {
        cloud.instance(&format!("paged-host-{n}"));
    }

    let paged = walk_pages(&cloud, "instance");
    let all = ids(&cloud.json(&["instance", "list"]));

    assert_eq!(all.len(), 5);
    assert_same_items(&paged, &all);
}

#[test]
fn last_page_marker_is_null() {
    let cloud = Cloud::new();
    cloud.volume("only-one", 1);

    let page = cloud.json(&["volume", "list", "--limit", "2"]);

    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert!(page["marker"].is_null(), "{page}");
}

#[test]
fn table_page_prints_next_page_command() {
    let cloud = Cloud::new();
    for n in 1..=3 {
        cloud.volume(&format!("tabled-{n}"), 1);
    }
    let page = cloud.json(&["volume", "list", "--limit", "2"]);
    let marker = page["marker"].as_str().expect("a marker after page one");

    let table = cloud.ok(&["volume", "list", "--limit", "2"]);

    // The command line also contains the test's own --data-dir, before `volume`.
    let expected = format!(" volume list --limit 2 --marker {marker}\n");
    assert!(table.contains(&expected), "{table}");
    let last = cloud.ok(&["volume", "list", "--limit", "2", "--marker", marker]);
    assert!(!last.contains("--marker"), "{last}");
}

#[test]
fn next_page_hint_keeps_zone_and_label() {
    let cloud = Cloud::new();
    for _ in 0..2 {
        cloud.ok(&[
            "--zone", "local-b", "volume", "create", "zb1", "--size", "1",
        ]);
    }
    let listing = [
        "volume", "list", "--zone", "local-b", "--label", "zb1", "--limit", "1",
    ];
    let page = cloud.json(&listing);
    let marker = page["marker"].as_str().expect("a marker after page one");

    let table = cloud.ok(&listing);

    let expected = format!("volume list --zone local-b --label zb1 --limit 1 --marker {marker}\n");
    assert!(table.contains(&expected), "{table}");
    assert!(
        table.contains("fetch the next page with: cloudbridge --data-dir "),
        "{table}"
    );
}
