//! People who can sign in, and what they may act for: the identity
//! provider's own records. Signing in with the fallback method checks the
//! password and a one-time code, and records the code's step in the same
//! statement that accepts it, so two requests cannot both spend one code.

use hoso_domain::identity::{CitizenId, PhoneNumber, TaxCode};
use hoso_domain::profile::{Enterprise, Mandate, MandateRole, MandateScope, Person};
use hoso_protocol::api::account::{AssuranceLevel, EnterpriseAccess, Profile};
use sqlx::AnyPool;

use crate::PortalError;
use crate::oidc::credentials::{CredentialError, OneTimeCodes, verify_password};
use crate::wire_name::{from_name, to_name};

/// A person to store, with their password already hashed.
pub struct NewAccount<'a> {
    pub profile: &'a Profile,
    pub username: &'a str,
    pub password_hash: &'a str,
    pub totp_secret: &'a str,
}

/// Why a sign-in is refused. Deliberately coarse: an unknown user and a wrong
/// password look the same from outside, so accounts cannot be enumerated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignInError {
    #[error("sign_in.wrong_credentials")]
    WrongCredentials,
    #[error("sign_in.code_reused")]
    CodeReused,
}

/// Inserts or refreshes an account, its enterprises and its mandates.
pub async fn upsert(pool: &AnyPool, account: &NewAccount<'_>) -> Result<(), PortalError> {
    let person = &account.profile.person;
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO person (subject, username, full_name, citizen_id, date_of_birth, phone, address, assurance,
                             password_hash, totp_secret)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (subject) DO UPDATE SET username = excluded.username, full_name = excluded.full_name,
             citizen_id = excluded.citizen_id, date_of_birth = excluded.date_of_birth, phone = excluded.phone,
             address = excluded.address, assurance = excluded.assurance, password_hash = excluded.password_hash,
             totp_secret = excluded.totp_secret",
    )
    .bind(&person.subject)
    .bind(account.username)
    .bind(&person.full_name)
    .bind(person.citizen_id.as_str())
    .bind(person.date_of_birth.to_string())
    .bind(person.phone.as_ref().map(PhoneNumber::national))
    .bind(account.profile.address.as_deref())
    .bind(to_name(&account.profile.assurance)?)
    .bind(account.password_hash)
    .bind(account.totp_secret)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM mandate WHERE subject = $1").bind(&person.subject).execute(&mut *tx).await?;
    for access in &account.profile.enterprises {
        let enterprise = &access.enterprise;
        sqlx::query(
            "INSERT INTO enterprise (tax_code, name, parent) VALUES ($1, $2, $3)
             ON CONFLICT (tax_code) DO UPDATE SET name = excluded.name, parent = excluded.parent",
        )
        .bind(enterprise.tax_code.as_str())
        .bind(&enterprise.name)
        .bind(enterprise.parent.as_ref().map(TaxCode::as_str))
        .execute(&mut *tx)
        .await?;
        let mandate = &access.mandate;
        sqlx::query("INSERT INTO mandate (subject, tax_code, role, scope, expires_on) VALUES ($1, $2, $3, $4, $5)")
            .bind(&person.subject)
            .bind(enterprise.tax_code.as_str())
            .bind(to_name(&mandate.role)?)
            .bind(serde_json::to_string(&mandate.scope).map_err(PortalError::Seed)?)
            .bind(mandate.expires_on.map(|d| d.to_string()))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Gives `subject` the officer role: they may use the officer API and move
/// any dossier. Real deployments grant it the same way the demo seed does.
pub async fn grant_officer(pool: &AnyPool, subject: &str) -> Result<(), PortalError> {
    sqlx::query("INSERT INTO officer (subject) VALUES ($1) ON CONFLICT (subject) DO NOTHING")
        .bind(subject)
        .execute(pool)
        .await?;
    Ok(())
}

/// Whether `subject` holds the officer role.
pub async fn is_officer(pool: &AnyPool, subject: &str) -> Result<bool, PortalError> {
    let found: Option<String> =
        sqlx::query_scalar("SELECT subject FROM officer WHERE subject = $1").bind(subject).fetch_optional(pool).await?;
    Ok(found.is_some())
}

/// Checks a username, password and one-time code; returns the subject.
pub async fn sign_in(
    pool: &AnyPool,
    username: &str,
    password: &str,
    code: &str,
    now_unix: u64,
) -> Result<Result<String, SignInError>, PortalError> {
    let row: Option<(String, String, String, Option<i64>)> =
        sqlx::query_as("SELECT subject, password_hash, totp_secret, totp_last_step FROM person WHERE username = $1")
            .bind(username)
            .fetch_optional(pool)
            .await?;
    // An unknown user still costs a password hash, so timing does not tell
    // which usernames exist.
    let Some((subject, password_hash, secret, last_step)) = row else {
        verify_password(dummy_hash(), password);
        return Ok(Err(SignInError::WrongCredentials));
    };
    if !verify_password(&password_hash, password) {
        return Ok(Err(SignInError::WrongCredentials));
    }
    let codes = OneTimeCodes::from_base32(&secret).map_err(|_| PortalError::CorruptKey)?;
    let last_step = last_step.and_then(|s| u64::try_from(s).ok());
    let step = match codes.accept(code, now_unix, last_step) {
        Ok(step) => i64::try_from(step).unwrap_or(i64::MAX),
        Err(CredentialError::OtpReused) => return Ok(Err(SignInError::CodeReused)),
        Err(_) => return Ok(Err(SignInError::WrongCredentials)),
    };
    // Spending the code and checking it was unspent is one statement, so a
    // second request racing with the same code finds no row to update.
    let spent = sqlx::query(
        "UPDATE person SET totp_last_step = $1 WHERE subject = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(&subject)
    .execute(pool)
    .await?;
    if spent.rows_affected() != 1 {
        return Ok(Err(SignInError::CodeReused));
    }
    Ok(Ok(subject))
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    full_name: String,
    citizen_id: String,
    date_of_birth: String,
    phone: Option<String>,
    address: Option<String>,
    assurance: String,
}

#[derive(sqlx::FromRow)]
struct MandateRow {
    tax_code: String,
    name: String,
    parent: Option<String>,
    role: String,
    scope: String,
    expires_on: Option<String>,
}

/// The profile the identity provider vouches for: the person, their claims
/// and the enterprises they may act for.
pub async fn profile(pool: &AnyPool, subject: &str) -> Result<Option<Profile>, PortalError> {
    let row: Option<PersonRow> = sqlx::query_as(
        "SELECT full_name, citizen_id, date_of_birth, phone, address, assurance FROM person WHERE subject = $1",
    )
    .bind(subject)
    .fetch_optional(pool)
    .await?;
    let Some(person) = row else {
        return Ok(None);
    };
    let mandates: Vec<MandateRow> = sqlx::query_as(
        "SELECT e.tax_code, e.name, e.parent, m.role, m.scope, m.expires_on
         FROM mandate m JOIN enterprise e ON e.tax_code = m.tax_code WHERE m.subject = $1 ORDER BY e.tax_code",
    )
    .bind(subject)
    .fetch_all(pool)
    .await?;
    profile_of(subject, person, mandates).map(Some)
}

/// A person's row beside one of their mandates (none: the mandate columns
/// are null), as [`profile_for_token`] reads them.
#[derive(sqlx::FromRow)]
struct TokenProfileRow {
    subject: String,
    #[sqlx(flatten)]
    person: PersonRow,
    tax_code: Option<String>,
    name: Option<String>,
    parent: Option<String>,
    role: Option<String>,
    scope: Option<String>,
    expires_on: Option<String>,
}

/// The profile of the person a live access token was issued to (one whose
/// grant is not revoked and which has not expired at `now`), or `None`.
/// Every API request asks this, so it is one statement: the token, the
/// person and their mandates together, instead of three round trips (goal
/// G12 of `cargo xtask bench`).
pub async fn profile_for_token(pool: &AnyPool, token_hash: &str, now: i64) -> Result<Option<Profile>, PortalError> {
    let rows: Vec<TokenProfileRow> = sqlx::query_as(
        // Every column named: SQLite names the columns of a parenthesised
        // join by its own rules otherwise.
        "SELECT p.subject AS subject, p.full_name AS full_name, p.citizen_id AS citizen_id,
                p.date_of_birth AS date_of_birth, p.phone AS phone, p.address AS address, p.assurance AS assurance,
                e.tax_code AS tax_code, e.name AS name, e.parent AS parent, m.role AS role, m.scope AS scope,
                m.expires_on AS expires_on
         FROM access_token a
         JOIN oidc_grant g ON g.id = a.grant_id
         JOIN person p ON p.subject = a.subject
         LEFT JOIN (mandate m JOIN enterprise e ON e.tax_code = m.tax_code) ON m.subject = p.subject
         WHERE a.token_hash = $1 AND a.expires_at > $2 AND g.revoked = 0
         ORDER BY e.tax_code",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_all(pool)
    .await?;
    let mut rows = rows.into_iter();
    let Some(first) = rows.next() else { return Ok(None) };
    let subject = first.subject.clone();
    let mut mandates = Vec::new();
    let mut person = None;
    for row in std::iter::once(first).chain(rows) {
        if let (Some(tax_code), Some(name), Some(role), Some(scope)) = (row.tax_code, row.name, row.role, row.scope) {
            mandates.push(MandateRow { tax_code, name, parent: row.parent, role, scope, expires_on: row.expires_on });
        }
        person.get_or_insert(row.person);
    }
    let Some(person) = person else { return Ok(None) };
    profile_of(&subject, person, mandates).map(Some)
}

fn profile_of(subject: &str, person: PersonRow, mandates: Vec<MandateRow>) -> Result<Profile, PortalError> {
    let PersonRow { full_name, citizen_id, date_of_birth, phone, address, assurance } = person;
    let corrupt = |what: &str| PortalError::CorruptRecord(format!("person {subject}: {what}"));
    let mut enterprises = Vec::new();
    for MandateRow { tax_code, name, parent, role, scope, expires_on } in mandates {
        let tax_code = TaxCode::parse(&tax_code).map_err(|_| corrupt("tax code"))?;
        let parent = parent.map(|p| TaxCode::parse(&p)).transpose().map_err(|_| corrupt("parent tax code"))?;
        let role: MandateRole = from_name(&role).map_err(|_| corrupt("mandate role"))?;
        let scope: MandateScope = serde_json::from_str(&scope).map_err(|_| corrupt("mandate scope"))?;
        let expires_on = expires_on.map(|d| parse_date(&d)).transpose().map_err(|_| corrupt("mandate expiry"))?;
        enterprises.push(EnterpriseAccess {
            enterprise: Enterprise { tax_code: tax_code.clone(), name, parent },
            mandate: Mandate { enterprise: tax_code, role, scope, expires_on },
        });
    }
    let date_of_birth = parse_date(&date_of_birth).map_err(|_| corrupt("date of birth"))?;
    // Stored numbers were checked on the way in; `date_of_birth` is the
    // latest day a person's birth year could be judged against.
    let citizen_id = CitizenId::parse(&citizen_id, date_of_birth).map_err(|_| corrupt("citizen id"))?;
    let phone = phone.map(|p| PhoneNumber::parse(&p)).transpose().map_err(|_| corrupt("phone"))?;
    let person = Person {
        subject: subject.to_owned(),
        full_name,
        citizen_id,
        date_of_birth,
        phone,
        mandates: enterprises.iter().map(|e| e.mandate.clone()).collect(),
    };
    let assurance: AssuranceLevel = from_name(&assurance).map_err(|_| corrupt("assurance"))?;
    Ok(Profile { person, assurance, address, enterprises })
}

/// A real Argon2id hash of a password nobody uses, made once, so an unknown
/// username costs the same time as a known one.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| crate::oidc::credentials::hash_password("no such account").unwrap_or_default())
}

fn parse_date(text: &str) -> Result<time::Date, time::error::Parse> {
    time::Date::parse(text, &time::format_description::well_known::Iso8601::DATE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oidc::credentials::OneTimeCodes;

    const NOW: u64 = 1_795_000_000;
    const CITIZEN_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    async fn demo_pool(dir: &tempfile::TempDir) -> AnyPool {
        let pool = crate::db::open(&format!("sqlite:{}", dir.path().join("portal.db").display())).await.unwrap();
        crate::demo::seed(&pool).await.unwrap();
        pool
    }

    fn code(at: u64) -> String {
        OneTimeCodes::from_base32(CITIZEN_SECRET).unwrap().code_at(at)
    }

    #[tokio::test]
    async fn the_demo_citizen_signs_in_with_the_password_and_a_current_code() {
        let dir = tempfile::tempdir().unwrap();
        let pool = demo_pool(&dir).await;
        let subject = sign_in(&pool, "citizen", "hoso-demo-2026", &code(NOW), NOW).await.unwrap();
        assert_eq!(subject, Ok("demo-citizen-0001".to_owned()));
    }

    #[tokio::test]
    async fn a_wrong_password_and_an_unknown_user_are_refused_alike() {
        let dir = tempfile::tempdir().unwrap();
        let pool = demo_pool(&dir).await;
        let wrong = sign_in(&pool, "citizen", "guess", &code(NOW), NOW).await.unwrap();
        let unknown = sign_in(&pool, "nobody", "hoso-demo-2026", &code(NOW), NOW).await.unwrap();
        let bad_code = sign_in(&pool, "citizen", "hoso-demo-2026", "000000", NOW).await.unwrap();
        assert_eq!(wrong, Err(SignInError::WrongCredentials));
        assert_eq!(unknown, wrong);
        assert_eq!(bad_code, wrong);
    }

    #[tokio::test]
    async fn a_one_time_code_is_spent_by_its_first_sign_in() {
        let dir = tempfile::tempdir().unwrap();
        let pool = demo_pool(&dir).await;
        assert!(sign_in(&pool, "citizen", "hoso-demo-2026", &code(NOW), NOW).await.unwrap().is_ok());
        let again = sign_in(&pool, "citizen", "hoso-demo-2026", &code(NOW), NOW).await.unwrap();
        assert_eq!(again, Err(SignInError::CodeReused));
        let next = sign_in(&pool, "citizen", "hoso-demo-2026", &code(NOW + 30), NOW + 30).await.unwrap();
        assert!(next.is_ok());
    }

    #[tokio::test]
    async fn the_business_representative_may_act_for_two_enterprises_within_their_mandates() {
        let dir = tempfile::tempdir().unwrap();
        let pool = demo_pool(&dir).await;
        let business = profile(&pool, "demo-business-0002").await.unwrap().expect("a demo account");
        assert_eq!(business.person.full_name, "Trần Thị Bình");
        assert_eq!(business.assurance, AssuranceLevel::Level2);
        let codes: Vec<&str> = business.enterprises.iter().map(|e| e.enterprise.tax_code.as_str()).collect();
        assert_eq!(codes, ["0100233488", "0314409058-002"]);
        let branch = &business.enterprises[1];
        assert_eq!(branch.mandate.role, MandateRole::Authorised);
        assert!(matches!(&branch.mandate.scope, MandateScope::Procedures(p) if p.contains(&"2.002041".to_owned())));
        assert!(profile(&pool, "nobody").await.unwrap().is_none());
    }

    #[tokio::test]
    async fn seeding_twice_leaves_one_set_of_mandates() {
        let dir = tempfile::tempdir().unwrap();
        let pool = demo_pool(&dir).await;
        crate::demo::seed(&pool).await.unwrap();
        let business = profile(&pool, "demo-business-0002").await.unwrap().unwrap();
        assert_eq!(business.enterprises.len(), 2);
    }
}
