//! Demo data: accounts that exist only on a portal started with `--demo`, so
//! support staff can show every service without a real account. The roster
//! and the accounts' credentials come from `assets/demo/identities.json` and
//! are listed in the README.

use hoso_domain::identity::{CitizenId, PhoneNumber, TaxCode};
use hoso_domain::profile::{Enterprise, Mandate, MandateRole, MandateScope, Person};
use hoso_protocol::api::account::{AssuranceLevel, EnterpriseAccess, Profile};
use hoso_protocol::api::{DemoIdentity, DemoRole};
use serde::Deserialize;
use sqlx::AnyPool;

use crate::PortalError;
use crate::accounts::{self, NewAccount};
use crate::oidc::credentials::hash_password;
use crate::wire_name::{from_name, to_name};

const IDENTITIES: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/demo/identities.json"));

#[derive(Deserialize)]
struct DemoEntry {
    #[serde(flatten)]
    identity: DemoIdentity,
    account: DemoAccount,
}

#[derive(Deserialize)]
struct DemoAccount {
    subject: String,
    citizen_id: CitizenId,
    date_of_birth: time::Date,
    phone: PhoneNumber,
    address: String,
    assurance: AssuranceLevel,
    password: String,
    totp_secret: String,
    enterprises: Vec<DemoEnterprise>,
}

#[derive(Deserialize)]
struct DemoEnterprise {
    tax_code: TaxCode,
    name: String,
    parent: Option<TaxCode>,
    role: MandateRole,
    scope: MandateScope,
    expires_on: Option<time::Date>,
}

pub async fn seed(pool: &AnyPool) -> Result<(), PortalError> {
    let entries: Vec<DemoEntry> = serde_json::from_str(IDENTITIES).map_err(PortalError::Seed)?;
    for entry in &entries {
        let identity = &entry.identity;
        sqlx::query(
            "INSERT INTO demo_identity (username, full_name, role) VALUES ($1, $2, $3)
             ON CONFLICT (username) DO UPDATE SET full_name = excluded.full_name, role = excluded.role",
        )
        .bind(&identity.username)
        .bind(&identity.full_name)
        .bind(to_name(&identity.role)?)
        .execute(pool)
        .await?;
        let profile = entry.profile();
        let password_hash = hash_password(&entry.account.password).map_err(|e| PortalError::Form(e.to_string()))?;
        let account = NewAccount {
            profile: &profile,
            username: &identity.username,
            password_hash: &password_hash,
            totp_secret: &entry.account.totp_secret,
        };
        accounts::upsert(pool, &account).await?;
        if identity.role == DemoRole::SupportOfficer {
            accounts::grant_officer(pool, &entry.account.subject).await?;
        }
    }
    Ok(())
}

impl DemoEntry {
    fn profile(&self) -> Profile {
        let account = &self.account;
        let enterprises: Vec<EnterpriseAccess> = account
            .enterprises
            .iter()
            .map(|e| EnterpriseAccess {
                enterprise: Enterprise { tax_code: e.tax_code.clone(), name: e.name.clone(), parent: e.parent.clone() },
                mandate: Mandate {
                    enterprise: e.tax_code.clone(),
                    role: e.role,
                    scope: e.scope.clone(),
                    expires_on: e.expires_on,
                },
            })
            .collect();
        Profile {
            person: Person {
                subject: account.subject.clone(),
                full_name: self.identity.full_name.clone(),
                citizen_id: account.citizen_id.clone(),
                date_of_birth: account.date_of_birth,
                phone: Some(account.phone.clone()),
                mandates: enterprises.iter().map(|e| e.mandate.clone()).collect(),
            },
            assurance: account.assurance,
            address: Some(account.address.clone()),
            enterprises,
        }
    }
}

pub async fn identities(pool: &AnyPool) -> Result<Vec<DemoIdentity>, PortalError> {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT username, full_name, role FROM demo_identity ORDER BY username").fetch_all(pool).await?;
    rows.into_iter()
        .map(|(username, full_name, role)| Ok(DemoIdentity { username, full_name, role: from_name(&role)? }))
        .collect()
}
