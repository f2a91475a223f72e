//! The catalogues a verifier holds: the national one and the regions'
//! extensions, and the built-in national catalogue.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use super::{Catalogue, CatalogueError, CheckedLicence, LicenceType, Publisher};
use crate::identifiers::{LicenceTypeCode, RegionCode};
use crate::licence::Item;

/// The built-in national catalogue's JSON (docs/FORMAT.md §19.2).
pub(crate) const NATIONAL_JSON: &str = include_str!("../../data/catalogue/national.json");

fn built_in() -> &'static Arc<Catalogue> {
    static NATIONAL: OnceLock<Arc<Catalogue>> = OnceLock::new();
    NATIONAL.get_or_init(|| {
        // The file is part of the library and checked by its tests
        // (catalogue::tests::built_in_national_catalogue_is_valid).
        Arc::new(
            Catalogue::from_json(NATIONAL_JSON)
                .expect("data/catalogue/national.json is a valid national catalogue"),
        )
    })
}

pub(super) fn built_in_national() -> &'static Catalogue {
    built_in()
}

/// The catalogues a verifier holds: one national catalogue and at most one
/// extension per region, consistent with each other (no extension defines a
/// national type).
///
/// [`CatalogueSet::check`] is what a verifier calls for every licence: one
/// map lookup and one pass over the licence's items.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogueSet {
    national: Arc<Catalogue>,
    regions: BTreeMap<RegionCode, Arc<Catalogue>>,
}

impl Default for CatalogueSet {
    fn default() -> Self {
        Self::national()
    }
}

impl CatalogueSet {
    /// The built-in national catalogue alone.
    pub fn national() -> Self {
        CatalogueSet {
            national: Arc::clone(built_in()),
            regions: BTreeMap::new(),
        }
    }

    /// A set with this national catalogue (published by the federation,
    /// else `CATALOGUE_MALFORMED`) and no extension.
    pub fn new(national: Catalogue) -> Result<Self, CatalogueError> {
        if national.publisher != Publisher::Federation {
            return Err(super::malformed(format!(
                "the national catalogue is published by {}, not the federation",
                national.publisher
            )));
        }
        Ok(CatalogueSet {
            national: Arc::new(national),
            regions: BTreeMap::new(),
        })
    }

    /// Adds or replaces a region's extension: it must be published by a
    /// region, define no national type (`CATALOGUE_NATIONAL_TYPE_REDEFINED`),
    /// and not be older than the extension held for the region
    /// (`CATALOGUE_ROLLBACK`); the same version with other content is a
    /// conflict (`CATALOGUE_CONFLICT`). That its types belong to the
    /// region was checked when it was made ([`Catalogue::new`]); that its
    /// region's root signed it, when it was verified.
    pub fn add_region(&mut self, extension: Catalogue) -> Result<RegionCode, CatalogueError> {
        let Publisher::Region(region) = extension.publisher.clone() else {
            return Err(super::malformed(
                "a region extension must be published by a region, not the federation",
            ));
        };
        check_extension(&self.national, &extension)?;
        if let Some(held) = self.regions.get(&region) {
            check_newer(held, &extension)?;
        }
        self.regions.insert(region.clone(), Arc::new(extension));
        Ok(region)
    }

    /// Replaces the national catalogue: not older than the one held
    /// (`CATALOGUE_ROLLBACK`, `CATALOGUE_CONFLICT` as for extensions).
    /// Extensions that now define a national type leave the set and are
    /// returned with the reason.
    pub fn replace_national(
        &mut self,
        national: Catalogue,
    ) -> Result<Vec<(RegionCode, CatalogueError)>, CatalogueError> {
        if national.publisher != Publisher::Federation {
            return Err(super::malformed(format!(
                "the national catalogue is published by {}, not the federation",
                national.publisher
            )));
        }
        check_newer(&self.national, &national)?;
        self.national = Arc::new(national);
        let mut dropped = Vec::new();
        let national = &self.national;
        self.regions
            .retain(|code, ext| match check_extension(national, ext) {
                Ok(()) => true,
                Err(e) => {
                    dropped.push((code.clone(), e));
                    false
                }
            });
        Ok(dropped)
    }

    /// Removes the extension of `region` and returns it, if held.
    pub fn remove_region(&mut self, region: &RegionCode) -> Option<Catalogue> {
        self.regions
            .remove(region)
            .map(|c| Arc::try_unwrap(c).unwrap_or_else(|c| (*c).clone()))
    }

    /// The national catalogue.
    pub fn national_catalogue(&self) -> &Catalogue {
        &self.national
    }

    /// The extension of `region`, if held.
    pub fn region(&self, region: &RegionCode) -> Option<&Catalogue> {
        self.regions.get(region).map(|c| &**c)
    }

    /// The extensions held, by region code.
    pub fn regions(&self) -> impl Iterator<Item = &Catalogue> {
        self.regions.values().map(|c| &**c)
    }

    fn type_for(&self, code: &LicenceTypeCode, region: &RegionCode) -> Option<&Arc<LicenceType>> {
        self.national
            .type_arc(code)
            .or_else(|| self.regions.get(region)?.type_arc(code))
    }

    /// The definition of licence type `code` for a licence signed under
    /// `region`'s root: a national type, or a type of that region's
    /// extension.
    pub fn licence_type(
        &self,
        code: &LicenceTypeCode,
        region: &RegionCode,
    ) -> Option<&LicenceType> {
        self.type_for(code, region).map(|t| &**t)
    }

    /// Checks a licence's items against its type, for a licence signed
    /// under `region`'s root (the signer's region): the type must be
    /// national or defined by that region's extension
    /// (`LICENCE_TYPE_UNKNOWN` otherwise); every item must be defined by
    /// the type, carried once with its value type and valid (code check,
    /// enumeration value, length, date range), and every required item
    /// present (`LICENCE_FIELD_INVALID` otherwise). Returns the type and the
    /// typed items in display order.
    pub fn check(
        &self,
        type_code: &LicenceTypeCode,
        region: &RegionCode,
        items: &[Item],
    ) -> Result<CheckedLicence, CatalogueError> {
        match self.type_for(type_code, region) {
            Some(t) => t.check(items),
            None => Err(CatalogueError::UnknownType {
                code: type_code.clone(),
                detail: match self
                    .regions
                    .iter()
                    .find(|(_, c)| c.by_code.contains_key(type_code))
                {
                    Some((other, _)) => format!(
                        " for region {region} (only the extension of region {other} defines it)"
                    ),
                    None => String::new(),
                },
            }),
        }
    }
}

/// Refuses an extension that defines a national type.
fn check_extension(national: &Catalogue, extension: &Catalogue) -> Result<(), CatalogueError> {
    let Publisher::Region(region) = &extension.publisher else {
        return Ok(());
    };
    match extension
        .types
        .iter()
        .find(|t| national.by_code.contains_key(&t.code))
    {
        Some(t) => Err(CatalogueError::NationalTypeRedefined {
            region: region.clone(),
            code: t.code.clone(),
        }),
        None => Ok(()),
    }
}

/// Refuses a catalogue older than `held`, or of the same version with
/// other content.
fn check_newer(held: &Catalogue, offered: &Catalogue) -> Result<(), CatalogueError> {
    if offered.version < held.version {
        return Err(CatalogueError::Rollback {
            publisher: offered.publisher.clone(),
            found: offered.version,
            seen: held.version,
        });
    }
    if offered.version == held.version && offered.to_claims() != held.to_claims() {
        return Err(CatalogueError::Conflict(format!(
            "two different catalogues of {} with version {}",
            offered.publisher, offered.version
        )));
    }
    Ok(())
}
