//! Paging over EC2's `MaxResults`/`NextToken` with page sizes of 1 to 1000 and opaque markers.
//!
//! EC2 takes `MaxResults` of 5 to 1000 for DescribeVolumes, DescribeSnapshots and
//! DescribeInstances, and may return fewer items than asked for (or none) together with a
//! `NextToken`. Some servers (moto 5.2.1) ignore both and return everything. So a page is
//! assembled on the client, which requests at least 5 items and keeps at most `limit`. The
//! marker records where the next page starts: the token of the server page the last call
//! stopped in, how many items of that server page were already returned, and the last id.

use std::future::Future;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{ListQuery, Page};

/// Smallest `MaxResults` EC2 accepts for the describe calls used here.
const MIN_MAX_RESULTS: usize = 5;
/// Largest `MaxResults` EC2 accepts for the describe calls used here.
const MAX_MAX_RESULTS: usize = 1000;
/// Most server pages one listing call reads while filling a page of the caller's size.
const MAX_SERVER_PAGES: usize = 20;
/// Prefix of every marker, which also versions its format.
const MARKER_PREFIX: &str = "cbaws1.";

/// The position where the next page starts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Cursor {
    /// Resource kind the marker belongs to: `volume`, `snapshot` or `instance`.
    kind: String,
    /// The label filter of the listing.
    label: Option<String>,
    /// Server token of the server page to read; `None` for the first server page.
    token: Option<String>,
    /// Items of that server page already returned.
    skip: usize,
    /// Id of the last item returned, to resume after it if the server page has shifted.
    last_id: Option<String>,
}

impl Cursor {
    fn start(kind: &str, query: &ListQuery) -> Cursor {
        Cursor {
            kind: kind.to_string(),
            label: query.label.clone(),
            ..Cursor::default()
        }
    }

    fn encode(&self) -> String {
        let json = serde_json::to_vec(self).expect("a cursor serializes to JSON");
        let mut marker = String::with_capacity(MARKER_PREFIX.len() + json.len() * 2);
        marker.push_str(MARKER_PREFIX);
        for byte in json {
            marker.push_str(&format!("{byte:02x}"));
        }
        marker
    }

    fn decode(kind: &str, query: &ListQuery, marker: &str) -> Result<Cursor> {
        let invalid = |reason: &str| {
            Error::invalid_parameter(
                "marker",
                marker,
                &format!(
                    "{reason}; pass the marker of the previous {kind} page of the same listing \
                     unchanged"
                ),
            )
        };
        let hex = marker
            .strip_prefix(MARKER_PREFIX)
            .ok_or_else(|| invalid("it was not returned by the aws provider"))?;
        let bytes = decode_hex(hex).ok_or_else(|| invalid("it is not valid hex"))?;
        let cursor: Cursor =
            serde_json::from_slice(&bytes).map_err(|_| invalid("its content is malformed"))?;
        if cursor.kind != kind {
            return Err(invalid(&format!("it belongs to a {} listing", cursor.kind)));
        }
        if cursor.label != query.label {
            return Err(invalid("it belongs to a listing with another label filter"));
        }
        Ok(cursor)
    }
}

fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) || !hex.is_ascii() {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
        .collect()
}

/// One server page: its items and the server's token for the next one.
pub(crate) struct ServerPage<T> {
    pub items: Vec<T>,
    pub next_token: Option<String>,
}

/// Assembles one page of up to `query.limit` items for a resource `kind`.
///
/// `fetch(token, max_results)` sends one describe call. `id_of` returns an item's id.
pub(crate) async fn list_page<T, F, Fut>(
    kind: &str,
    query: &ListQuery,
    id_of: impl Fn(&T) -> &str,
    mut fetch: F,
) -> Result<Page<T>>
where
    F: FnMut(Option<String>, i32) -> Fut,
    Fut: Future<Output = Result<ServerPage<T>>>,
{
    let mut cursor = match &query.marker {
        Some(marker) => Cursor::decode(kind, query, marker)?,
        None => Cursor::start(kind, query),
    };
    let limit = query.limit.max(1) as usize;
    let mut items: Vec<T> = Vec::with_capacity(limit.min(MAX_MAX_RESULTS));

    for _ in 0..MAX_SERVER_PAGES {
        let needed = limit - items.len();
        let max_results = cursor
            .skip
            .saturating_add(needed)
            .clamp(MIN_MAX_RESULTS, MAX_MAX_RESULTS);
        let page = fetch(cursor.token.clone(), max_results as i32).await?;
        let next_token = page.next_token.filter(|token| !token.is_empty());

        // Resume after the last returned item when it is still on this server page, so an
        // item deleted between two calls neither repeats nor skips one.
        let start = cursor
            .last_id
            .as_deref()
            .and_then(|last| page.items.iter().position(|item| id_of(item) == last))
            .map_or(cursor.skip, |position| position + 1)
            .min(page.items.len());
        let remaining = page.items.len() - start;

        if remaining > needed {
            items.extend(page.items.into_iter().skip(start).take(needed));
            cursor.skip = start + needed;
            cursor.last_id = items.last().map(|item| id_of(item).to_string());
            return Ok(Page {
                items,
                marker: Some(cursor.encode()),
            });
        }
        items.extend(page.items.into_iter().skip(start));

        let Some(token) = next_token else {
            return Ok(Page {
                items,
                marker: None,
            });
        };
        cursor.token = Some(token);
        cursor.skip = 0;
        cursor.last_id = None;
        if items.len() == limit {
            break;
        }
    }
    // NOTE: this page may be shorter than the limit when the server returned
    // `MAX_SERVER_PAGES` short pages in a row. The marker continues where reading stopped.
    Ok(Page {
        items,
        marker: Some(cursor.encode()),
    })
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    #[tokio::test]
    async fn huge_skip_in_edited_marker_does_not_panic() {
        let query = ListQuery {
            label: None,
            limit: 1,
            marker: None,
        };
        let mut cursor = Cursor::start("volume", &query);
        cursor.skip = usize::MAX;
        let query = ListQuery {
            marker: Some(cursor.encode()),
            ..query
        };
        let page = list_page(
            "volume",
            &query,
            |item: &String| item.as_str(),
            |_token, _max_results| async {
                Ok(ServerPage {
                    items: vec!["vol-1".to_string()],
                    next_token: None,
                })
            },
        )
        .await
        .unwrap();
        assert!(page.items.is_empty());
        assert_eq!(page.marker, None);
    }
    use crate::error::ErrorKind;

    /// A fake server over `0..total`: pages of `page_size` (`None` ignores MaxResults and
    /// returns everything, like moto), recording each MaxResults it receives.
    struct FakeServer {
        items: RefCell<Vec<String>>,
        page_size: Option<usize>,
        max_results_seen: RefCell<Vec<i32>>,
    }

    impl FakeServer {
        fn new(total: usize, page_size: Option<usize>) -> FakeServer {
            FakeServer {
                items: RefCell::new((0..total).map(|i| format!("vol-{i:04}")).collect()),
                page_size,
                max_results_seen: RefCell::new(Vec::new()),
            }
        }

        async fn fetch(
            &self,
            token: Option<String>,
            max_results: i32,
        ) -> Result<ServerPage<String>> {
            self.max_results_seen.borrow_mut().push(max_results);
            let items = self.items.borrow();
            let Some(size) = self.page_size else {
                return Ok(ServerPage {
                    items: items.clone(),
                    next_token: None,
                });
            };
            let size = size.min(max_results as usize);
            let start: usize = token.map_or(0, |t| t.parse().unwrap());
            let end = (start + size).min(items.len());
            Ok(ServerPage {
                items: items[start..end].to_vec(),
                next_token: (end < items.len()).then(|| end.to_string()),
            })
        }

        async fn collect(&self, limit: u32) -> Vec<String> {
            let mut query = ListQuery {
                label: None,
                limit,
                marker: None,
            };
            let mut all = Vec::new();
            for _ in 0..1000 {
                let page = list_page("volume", &query, |s: &String| s, |t, m| self.fetch(t, m))
                    .await
                    .unwrap();
                assert!(page.items.len() <= limit as usize);
                all.extend(page.items);
                match page.marker {
                    Some(marker) => query.marker = Some(marker),
                    None => return all,
                }
            }
            panic!("listing did not end");
        }
    }

    fn expected(total: usize) -> Vec<String> {
        (0..total).map(|i| format!("vol-{i:04}")).collect()
    }

    #[tokio::test]
    async fn pages_cover_every_item_once() {
        for total in [0, 1, 4, 5, 7, 23] {
            for page_size in [None, Some(5), Some(6), Some(1000)] {
                for limit in [1, 2, 3, 5, 7, 50] {
                    let server = FakeServer::new(total, page_size);
                    let all = server.collect(limit).await;
                    assert_eq!(all, expected(total), "{total} {page_size:?} {limit}");
                    for max_results in server.max_results_seen.borrow().iter() {
                        assert!((5..=1000).contains(max_results), "{max_results}");
                    }
                }
            }
        }
    }

    #[tokio::test]
    async fn deleted_item_between_pages_does_not_skip() {
        let server = FakeServer::new(10, None);
        let query = ListQuery {
            label: None,
            limit: 3,
            marker: None,
        };
        let first = list_page("volume", &query, |s: &String| s, |t, m| server.fetch(t, m))
            .await
            .unwrap();
        assert_eq!(first.items, expected(3));
        server.items.borrow_mut().remove(1);

        let query = ListQuery {
            marker: first.marker,
            ..query
        };
        let second = list_page("volume", &query, |s: &String| s, |t, m| server.fetch(t, m))
            .await
            .unwrap();
        assert_eq!(second.items, expected(6)[3..].to_vec());
    }

    #[tokio::test]
    async fn foreign_markers_are_rejected() {
        let server = FakeServer::new(10, None);
        let query = ListQuery {
            label: None,
            limit: 3,
            marker: None,
        };
        let first = list_page("volume", &query, |s: &String| s, |t, m| server.fetch(t, m))
            .await
            .unwrap();
        let marker = first.marker.unwrap();

        let cases = [
            ("snapshot", None, marker.clone()),
            ("volume", Some("other-label".to_string()), marker.clone()),
            ("volume", None, "garbage".to_string()),
            ("volume", None, format!("{MARKER_PREFIX}zz")),
            ("volume", None, format!("{MARKER_PREFIX}7b7d")),
        ];
        for (kind, label, marker) in cases {
            let query = ListQuery {
                label,
                limit: 3,
                marker: Some(marker.clone()),
            };
            let error = list_page(kind, &query, |s: &String| s, |t, m| server.fetch(t, m))
                .await
                .unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidParameter, "{kind} {marker}");
            assert!(error.message().contains("marker"), "{error}");
        }
    }
}
