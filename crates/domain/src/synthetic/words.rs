//! The vocabulary the synthetic catalogue composes names from: verbs, the
//! licences and registrations they act on, fields, ministries, provincial
//! departments and the 34 provinces after the 2025 merger.
//!
//! Everything here is data; `super` decides how it combines.

use crate::catalogue::ResultKind;

/// A verb of a procedure name, e.g. *Cấp lại* / *Re-issuance of*.
pub(super) struct Verb {
    pub vi: &'static str,
    pub en: &'static str,
    /// What the verb yields, when it overrides the object's own result.
    pub result: Option<ResultKind>,
}

pub(super) const CAP: u16 = 1 << 0;
pub(super) const CAP_LAI: u16 = 1 << 1;
pub(super) const CAP_DOI: u16 = 1 << 2;
pub(super) const DIEU_CHINH: u16 = 1 << 3;
pub(super) const GIA_HAN: u16 = 1 << 4;
pub(super) const THU_HOI: u16 = 1 << 5;
pub(super) const DANG_KY: u16 = 1 << 6;
pub(super) const DANG_KY_THAY_DOI: u16 = 1 << 7;
pub(super) const XAC_NHAN: u16 = 1 << 8;
pub(super) const THONG_BAO: u16 = 1 << 9;
pub(super) const CHAM_DUT: u16 = 1 << 10;

/// Indexed by bit position of the masks above.
pub(super) const VERBS: [Verb; 11] = [
    Verb { vi: "Cấp", en: "Issuance of", result: None },
    Verb { vi: "Cấp lại", en: "Re-issuance of", result: None },
    Verb { vi: "Cấp đổi", en: "Exchange of", result: None },
    Verb { vi: "Điều chỉnh", en: "Amendment of", result: None },
    Verb { vi: "Gia hạn", en: "Extension of", result: None },
    Verb { vi: "Thu hồi", en: "Revocation of", result: Some(ResultKind::Decision) },
    Verb { vi: "Đăng ký", en: "Registration of", result: None },
    Verb { vi: "Đăng ký thay đổi", en: "Registration of changes to", result: Some(ResultKind::Confirmation) },
    Verb { vi: "Xác nhận", en: "Confirmation of", result: Some(ResultKind::Confirmation) },
    Verb { vi: "Thông báo", en: "Notification of", result: Some(ResultKind::Notice) },
    Verb { vi: "Chấm dứt", en: "Termination of", result: Some(ResultKind::Notice) },
];

/// A licence with a term: issue, re-issue, amend, extend, revoke.
const LICENCE: u16 = CAP | CAP_LAI | DIEU_CHINH | GIA_HAN | THU_HOI;
/// A certificate without a term.
const CERTIFICATE: u16 = CAP | CAP_LAI | CAP_DOI | DIEU_CHINH | THU_HOI;
/// A personal card or practising certificate.
const CARD: u16 = CAP | CAP_LAI | CAP_DOI | GIA_HAN | THU_HOI;
/// A registration that can change and end.
const REGISTRATION: u16 = DANG_KY | DANG_KY_THAY_DOI | CHAM_DUT;
/// A registration also confirmed on request.
const CONFIRMED: u16 = DANG_KY | DANG_KY_THAY_DOI | XAC_NHAN;
/// An activity announced to the authority.
const NOTIFIED: u16 = DANG_KY | THONG_BAO | CHAM_DUT | DANG_KY_THAY_DOI;

pub(super) const MINISTRY: u8 = 1;
pub(super) const PROVINCE: u8 = 2;
pub(super) const COMMUNE: u8 = 4;
const MP: u8 = MINISTRY | PROVINCE;
const PC: u8 = PROVINCE | COMMUNE;
const ALL: u8 = MINISTRY | PROVINCE | COMMUNE;

/// Who an object is for; decides the applicant qualifiers.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Audience {
    Person,
    Organisation,
    Both,
    /// Religious and community bodies: no business qualifiers apply.
    Community,
}

/// What a procedure acts on, e.g. *giấy phép môi trường* / *environmental permits*.
pub(super) struct Object {
    pub vi: &'static str,
    pub en: &'static str,
    /// Index into [`FIELDS`].
    pub field: usize,
    pub audience: Audience,
    pub verbs: u16,
    /// The tiers of government that handle it ([`MINISTRY`], [`PROVINCE`], [`COMMUNE`]).
    pub levels: u8,
    pub result: ResultKind,
}

const fn o(
    vi: &'static str,
    en: &'static str,
    field: usize,
    audience: Audience,
    verbs: u16,
    levels: u8,
    result: ResultKind,
) -> Object {
    Object { vi, en, field, audience, verbs, levels, result }
}

use Audience::{Both, Community, Organisation as Org, Person};
use ResultKind::{Certificate as Cert, Confirmation as Conf, Decision, Licence as Lic};

#[rustfmt::skip]
pub(super) const OBJECTS: &[Object] = &[
    // Pharmacy, medicine, food safety.
    o("chứng chỉ hành nghề dược", "pharmacy practising certificates", 0, Person, CARD, MP, Cert),
    o("giấy chứng nhận đủ điều kiện kinh doanh dược", "pharmaceutical business eligibility certificates", 0, Org, CERTIFICATE, MP, Cert),
    o("giấy phép nhập khẩu thuốc", "drug import licences", 0, Org, LICENCE, MINISTRY, Lic),
    o("giấy chứng nhận thực hành tốt phân phối thuốc (GDP)", "good distribution practice (GDP) certificates", 0, Org, LICENCE, MP, Cert),
    o("số lưu hành trang thiết bị y tế", "medical device registration numbers", 0, Org, LICENCE, MP, Cert),
    o("giấy phép hành nghề khám bệnh, chữa bệnh", "medical practising licences", 1, Person, CARD, MP, Lic),
    o("giấy phép hoạt động cơ sở khám bệnh, chữa bệnh", "medical facility operating licences", 1, Org, LICENCE, ALL, Lic),
    o("giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", "food safety eligibility certificates", 2, Both, LICENCE, ALL, Cert),
    o("giấy xác nhận nội dung quảng cáo thực phẩm", "food advertising content approvals", 2, Org, CERTIFICATE, MP, Conf),
    o("công bố sản phẩm thực phẩm", "food product declarations", 2, Org, CONFIRMED, PC, Conf),
    // Education.
    o("giấy phép hoạt động trung tâm ngoại ngữ, tin học", "foreign-language and IT centre licences", 3, Org, LICENCE, PC, Lic),
    o("giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp", "vocational training registration certificates", 3, Org, CERTIFICATE, MP, Cert),
    o("hoạt động dạy thêm, học thêm", "extra tutoring activities", 3, Both, NOTIFIED, PC, Conf),
    o("giấy phép hoạt động giáo dục của cơ sở mầm non tư thục", "private preschool operating licences", 3, Org, LICENCE, PC, Lic),
    o("văn bằng, chứng chỉ giáo dục nước ngoài", "foreign diplomas and certificates", 3, Person, XAC_NHAN, MP, Conf),
    // Roads and transport.
    o("giấy phép kinh doanh vận tải bằng xe ô tô", "road transport business licences", 4, Both, CERTIFICATE, PROVINCE, Lic),
    o("phù hiệu xe kinh doanh vận tải", "transport vehicle badges", 4, Both, LICENCE, PROVINCE, Cert),
    o("giấy phép lưu hành xe quá tải trọng, xe quá khổ giới hạn", "oversize and overweight vehicle permits", 4, Both, LICENCE, MP, Lic),
    o("giấy phép đào tạo lái xe ô tô", "driver training licences", 4, Org, LICENCE, PROVINCE, Lic),
    o("chứng chỉ đăng kiểm viên phương tiện giao thông", "vehicle inspector certificates", 4, Person, CARD, MINISTRY, Cert),
    o("giấy phép thi công công trình trên đường bộ đang khai thác", "permits for works on roads in service", 4, Org, LICENCE, ALL, Lic),
    o("giấy phép liên vận quốc tế", "international cross-border transport permits", 4, Both, LICENCE, MP, Lic),
    o("giấy phép hoạt động bến thủy nội địa", "inland waterway wharf licences", 4, Both, LICENCE, PC, Lic),
    // Construction.
    o("giấy phép xây dựng công trình", "construction permits", 5, Both, LICENCE, ALL, Lic),
    o("chứng chỉ hành nghề hoạt động xây dựng", "construction practising certificates", 5, Person, CARD, MP, Cert),
    o("chứng chỉ năng lực hoạt động xây dựng", "construction capability certificates", 5, Org, CARD, MP, Cert),
    o("giấy phép di dời công trình", "permits to relocate buildings", 5, Both, LICENCE, PC, Lic),
    o("giấy phép quy hoạch", "planning permits", 5, Org, LICENCE, MP, Lic),
    o("giấy phép hoạt động xây dựng cho nhà thầu nước ngoài", "foreign contractor construction licences", 5, Org, LICENCE, MP, Lic),
    o("giấy chứng nhận quyền sở hữu nhà ở", "home ownership certificates", 5, Both, CERTIFICATE, PC, Cert),
    // Environment, water, minerals.
    o("giấy phép môi trường", "environmental permits", 6, Both, LICENCE, ALL, Lic),
    o("giấy phép xử lý chất thải nguy hại", "hazardous waste treatment permits", 6, Org, LICENCE, MP, Lic),
    o("giấy phép khai thác khoáng sản", "mining licences", 6, Org, LICENCE, MP, Lic),
    o("giấy phép thăm dò khoáng sản", "mineral exploration licences", 6, Org, LICENCE, MP, Lic),
    o("kế hoạch bảo vệ môi trường", "environmental protection plans", 6, Both, REGISTRATION, PC, Conf),
    o("kế hoạch ứng phó sự cố tràn dầu", "oil spill response plans", 6, Org, CONFIRMED, MP, Conf),
    o("giấy phép xả nước thải vào nguồn nước", "wastewater discharge permits", 7, Both, LICENCE, MP, Lic),
    o("giấy phép khai thác, sử dụng nước dưới đất", "groundwater extraction permits", 7, Both, LICENCE, ALL, Lic),
    o("giấy phép khai thác, sử dụng nước mặt", "surface water extraction permits", 7, Both, LICENCE, ALL, Lic),
    o("công trình khai thác nước quy mô nhỏ", "small water extraction works", 7, Both, REGISTRATION, PC, Conf),
    // Veterinary, plant protection, fisheries.
    o("chứng chỉ hành nghề thú y", "veterinary practising certificates", 8, Person, CARD, PROVINCE, Cert),
    o("giấy chứng nhận cơ sở an toàn dịch bệnh động vật", "animal disease-free establishment certificates", 8, Both, LICENCE, MP, Cert),
    o("giấy chứng nhận kiểm dịch động vật vận chuyển ra khỏi tỉnh", "quarantine certificates for animals leaving the province", 8, Both, CAP | CAP_LAI | THU_HOI, PC, Cert),
    o("giấy chứng nhận cơ sở đủ điều kiện sản xuất thức ăn chăn nuôi", "animal feed production eligibility certificates", 8, Org, CERTIFICATE, MP, Cert),
    o("cơ sở chăn nuôi trang trại", "livestock farms", 8, Both, REGISTRATION, PC, Conf),
    o("giấy chứng nhận đủ điều kiện buôn bán thuốc bảo vệ thực vật", "pesticide trading eligibility certificates", 22, Both, LICENCE, PROVINCE, Cert),
    o("mã số vùng trồng", "growing area codes", 22, Both, CAP | CAP_LAI | THU_HOI | DIEU_CHINH, MP, Cert),
    o("giấy chứng nhận kiểm dịch thực vật xuất khẩu", "phytosanitary certificates for exports", 22, Org, CAP | CAP_LAI | CAP_DOI, MINISTRY, Cert),
    o("giấy phép khai thác thủy sản", "fishing licences", 23, Both, LICENCE, PC, Lic),
    o("nuôi trồng thủy sản lồng bè", "cage aquaculture", 23, Both, REGISTRATION, PC, Conf),
    o("giấy chứng nhận cơ sở đủ điều kiện nuôi trồng thủy sản", "aquaculture eligibility certificates", 23, Both, CERTIFICATE, PC, Cert),
    // Trade, energy, chemicals.
    o("giấy phép kinh doanh bán lẻ rượu", "alcohol retail licences", 9, Both, LICENCE, PC, Lic),
    o("giấy phép bán lẻ sản phẩm thuốc lá", "tobacco retail licences", 9, Both, LICENCE, PC, Lic),
    o("giấy phép lập cơ sở bán lẻ", "retail outlet licences", 9, Org, LICENCE, MP, Lic),
    o("giấy chứng nhận đủ điều kiện kinh doanh xăng dầu", "petroleum trading eligibility certificates", 9, Org, LICENCE, MP, Cert),
    o("giấy chứng nhận xuất xứ hàng hóa không ưu đãi", "non-preferential certificates of origin", 9, Org, CAP | CAP_LAI | THU_HOI, MP, Cert),
    o("hoạt động khuyến mại", "sales promotions", 9, Org, NOTIFIED, PROVINCE, Conf),
    o("hợp đồng theo mẫu, điều kiện giao dịch chung", "standard-form contracts", 9, Org, REGISTRATION, MP, Conf),
    o("văn phòng đại diện của thương nhân nước ngoài", "representative offices of foreign traders", 9, Org, CERTIFICATE, PROVINCE, Lic),
    o("hoạt động bán hàng đa cấp tại địa phương", "local multi-level marketing activities", 9, Org, NOTIFIED, PROVINCE, Conf),
    o("giấy phép hoạt động điện lực", "electricity operation licences", 10, Org, LICENCE, MP, Lic),
    o("chứng chỉ kiểm định viên an toàn điện", "electrical safety inspector certificates", 10, Person, CARD, MINISTRY, Cert),
    o("giấy chứng nhận đủ điều kiện sản xuất hóa chất", "chemical production eligibility certificates", 11, Org, CERTIFICATE, MP, Cert),
    o("giấy chứng nhận đủ điều kiện kinh doanh khí", "gas trading eligibility certificates", 11, Org, LICENCE, MP, Cert),
    o("giấy phép sử dụng vật liệu nổ công nghiệp", "industrial explosives licences", 11, Org, LICENCE, MP, Lic),
    o("khai báo hóa chất nhập khẩu", "chemical import declarations", 11, Org, XAC_NHAN | DANG_KY, MINISTRY, Conf),
    // Tourism, culture, sports, press.
    o("giấy phép kinh doanh dịch vụ lữ hành nội địa", "domestic travel agency licences", 12, Org, CERTIFICATE, PROVINCE, Lic),
    o("giấy phép kinh doanh dịch vụ lữ hành quốc tế", "international travel agency licences", 12, Org, CERTIFICATE, MINISTRY, Lic),
    o("thẻ hướng dẫn viên du lịch", "tour guide cards", 12, Person, CARD, PROVINCE, Cert),
    o("giấy chứng nhận hạng cơ sở lưu trú du lịch", "tourist accommodation rating certificates", 12, Org, CERTIFICATE, MP, Cert),
    o("giấy phép kinh doanh dịch vụ karaoke, vũ trường", "karaoke and dance hall licences", 13, Both, LICENCE, PC, Lic),
    o("giấy phép triển lãm mỹ thuật", "fine-art exhibition permits", 13, Both, CAP | CAP_LAI | THU_HOI, MP, Lic),
    o("giấy chứng nhận đăng ký quyền tác giả", "copyright registration certificates", 13, Both, CERTIFICATE, MINISTRY, Cert),
    o("giấy phép xuất bản bản tin", "newsletter publishing licences", 13, Org, LICENCE, MP, Lic),
    o("hoạt động cơ sở in", "printing establishments", 13, Org, REGISTRATION, MP, Cert),
    o("giấy phép hoạt động in xuất bản phẩm", "publication printing licences", 13, Org, LICENCE, MP, Lic),
    o("lễ hội truyền thống", "traditional festivals", 13, Community, NOTIFIED, PC, Conf),
    o("giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao", "sports business eligibility certificates", 13, Org, CERTIFICATE, PC, Cert),
    // Labour.
    o("giấy phép lao động cho người lao động nước ngoài", "work permits for foreign employees", 14, Person, LICENCE, MP, Lic),
    o("giấy phép hoạt động cho thuê lại lao động", "labour sub-leasing licences", 14, Org, LICENCE, MP, Lic),
    o("giấy phép hoạt động dịch vụ việc làm", "employment service licences", 14, Org, LICENCE, PROVINCE, Lic),
    o("giấy phép hoạt động dịch vụ đưa người lao động đi làm việc ở nước ngoài", "licences to send workers abroad", 14, Org, LICENCE, MINISTRY, Lic),
    o("nội quy lao động", "internal labour regulations", 14, Org, REGISTRATION, PC, Conf),
    o("hợp đồng cung ứng lao động đi làm việc ở nước ngoài", "overseas labour supply contracts", 14, Org, REGISTRATION, MP, Conf),
    o("nhu cầu sử dụng người lao động nước ngoài", "demand for foreign employees", 14, Org, CONFIRMED, MP, Conf),
    o("giấy chứng nhận đăng ký thành lập cơ sở trợ giúp xã hội", "social assistance facility registration certificates", 14, Org, CERTIFICATE, PC, Cert),
    o("giấy phép hoạt động cơ sở cai nghiện ma túy tự nguyện", "voluntary drug rehabilitation centre licences", 14, Org, LICENCE, PROVINCE, Lic),
    // Beliefs and religion.
    o("sinh hoạt tôn giáo tập trung", "collective religious activities", 15, Community, NOTIFIED, PC, Conf),
    o("hoạt động tín ngưỡng hằng năm", "annual belief activities", 15, Community, NOTIFIED, COMMUNE, Conf),
    o("người được bổ nhiệm, bầu cử, suy cử chức việc", "appointments of religious officials", 15, Community, THONG_BAO | DANG_KY, PC, Conf),
    o("giấy chứng nhận đăng ký hoạt động tôn giáo", "religious activity registration certificates", 15, Community, CERTIFICATE, MP, Cert),
    // Science, technology, telecommunications.
    o("giấy chứng nhận doanh nghiệp khoa học và công nghệ", "science and technology enterprise certificates", 16, Org, CERTIFICATE, PROVINCE, Cert),
    o("giấy phép tiến hành công việc bức xạ", "radiation work licences", 16, Org, LICENCE, MP, Lic),
    o("chứng chỉ nhân viên bức xạ", "radiation worker certificates", 16, Person, CARD, MP, Cert),
    o("hợp đồng chuyển giao công nghệ", "technology transfer contracts", 16, Both, CONFIRMED, MP, Cert),
    o("kết quả thực hiện nhiệm vụ khoa học và công nghệ", "science and technology task results", 16, Both, REGISTRATION, MP, Cert),
    o("công bố hợp quy sản phẩm, hàng hóa", "product conformity declarations", 16, Org, CONFIRMED, MP, Conf),
    o("giấy phép sử dụng tần số vô tuyến điện", "radio frequency licences", 17, Both, LICENCE, MINISTRY, Lic),
    o("giấy phép cung cấp dịch vụ viễn thông", "telecommunications service licences", 17, Org, LICENCE, MINISTRY, Lic),
    o("tên miền quốc gia .vn", ".vn domain names", 17, Both, REGISTRATION, MINISTRY, Conf),
    o("giấy phép thiết lập trang thông tin điện tử tổng hợp", "aggregated news website licences", 17, Org, LICENCE, MP, Lic),
    // Justice.
    o("thẻ công chứng viên", "notary cards", 18, Person, CARD, PROVINCE, Cert),
    o("hoạt động văn phòng công chứng", "notary office operations", 18, Org, REGISTRATION, PROVINCE, Cert),
    o("thẻ đấu giá viên", "auctioneer cards", 18, Person, CARD, MP, Cert),
    o("hoạt động của tổ chức hành nghề luật sư", "law firm operations", 18, Org, REGISTRATION, PROVINCE, Cert),
    o("hành nghề luật sư với tư cách cá nhân", "individual legal practice", 18, Person, REGISTRATION, PROVINCE, Cert),
    o("tập sự hành nghề công chứng", "notarial traineeships", 18, Person, REGISTRATION, PROVINCE, Conf),
    o("hoạt động văn phòng thừa phát lại", "bailiff office operations", 18, Org, REGISTRATION, PROVINCE, Cert),
    o("giấy đăng ký hoạt động của trung tâm trọng tài", "arbitration centre registrations", 18, Org, CERTIFICATE, MP, Cert),
    // Finance, banking, investment.
    o("giấy chứng nhận đủ điều kiện kinh doanh dịch vụ kế toán", "accounting service eligibility certificates", 19, Org, CERTIFICATE, MINISTRY, Cert),
    o("giấy chứng nhận đăng ký hành nghề kiểm toán", "audit practice registration certificates", 19, Person, CARD, MINISTRY, Cert),
    o("kê khai giá hàng hóa, dịch vụ", "price declarations", 19, Org, THONG_BAO | DANG_KY, MP, Conf),
    o("giấy chứng nhận đăng ký đầu tư", "investment registration certificates", 21, Org, CERTIFICATE, MP, Cert),
    o("dự án đầu tư theo phương thức đối tác công tư", "public-private partnership projects", 21, Org, REGISTRATION, MP, Decision),
    o("giấy phép hoạt động đại lý đổi ngoại tệ", "foreign currency exchange agent licences", 20, Org, LICENCE, MP, Lic),
    o("giấy phép thành lập quỹ tín dụng nhân dân", "people's credit fund licences", 20, Org, CERTIFICATE, MP, Lic),
    o("khoản vay nước ngoài", "foreign loans", 20, Org, CONFIRMED, MP, Conf),
];

/// A field (*lĩnh vực*) and who regulates it.
pub(super) struct Field {
    pub code: &'static str,
    pub vi: &'static str,
    pub en: &'static str,
    /// Index into [`MINISTRIES`].
    pub ministry: usize,
    /// Index into [`DEPARTMENTS`].
    pub department: usize,
}

const fn f(code: &'static str, vi: &'static str, en: &'static str, ministry: usize, department: usize) -> Field {
    Field { code, vi, en, ministry, department }
}

pub(super) const FIELDS: [Field; 24] = [
    f("G09-DUOC", "Dược", "Pharmacy", 8, 8),
    f("G09-KCB", "Khám bệnh, chữa bệnh", "Medical examination and treatment", 8, 8),
    f("G09-ATTP", "An toàn thực phẩm", "Food safety", 8, 8),
    f("G10-GDDT", "Giáo dục và đào tạo", "Education and training", 9, 7),
    f("G06-DB", "Đường bộ", "Road transport", 5, 4),
    f("G06-HDXD", "Hoạt động xây dựng", "Construction", 5, 4),
    f("G07-MT", "Môi trường", "Environment", 6, 5),
    f("G07-TNN", "Tài nguyên nước", "Water resources", 6, 5),
    f("G07-TY", "Chăn nuôi và thú y", "Livestock and veterinary", 6, 5),
    f("G04-TM", "Thương mại", "Trade", 3, 3),
    f("G04-DL", "Điện lực", "Electricity", 3, 3),
    f("G04-HC", "Hóa chất", "Chemicals", 3, 3),
    f("G13-DLICH", "Du lịch", "Tourism", 12, 9),
    f("G13-VH", "Văn hóa, thể thao, báo chí", "Culture, sports and press", 12, 9),
    f("G05-LD", "Lao động, việc làm", "Labour and employment", 4, 1),
    f("G14-TG", "Tín ngưỡng, tôn giáo", "Beliefs and religion", 13, 10),
    f("G12-KHCN", "Khoa học và công nghệ", "Science and technology", 11, 6),
    f("G12-VT", "Viễn thông và Internet", "Telecommunications and the Internet", 11, 6),
    f("G02-BTTP", "Bổ trợ tư pháp", "Legal support services", 1, 2),
    f("G03-KTKT", "Kế toán, kiểm toán, giá", "Accounting, auditing and prices", 2, 0),
    f("G15-NH", "Hoạt động ngân hàng", "Banking", 14, 11),
    f("G03-DT", "Đầu tư", "Investment", 2, 0),
    f("G07-BVTV", "Trồng trọt và bảo vệ thực vật", "Crops and plant protection", 6, 5),
    f("G07-TS", "Thủy sản", "Fisheries", 6, 5),
];

/// A ministry or ministry-level agency after the 2025 restructuring.
pub(super) struct Ministry {
    pub code: &'static str,
    pub vi: &'static str,
    pub en: &'static str,
}

const fn m(code: &'static str, vi: &'static str, en: &'static str) -> Ministry {
    Ministry { code, vi, en }
}

pub(super) const MINISTRIES: [Ministry; 15] = [
    m("000.00.00.G01", "Bộ Công an", "Ministry of Public Security"),
    m("000.00.00.G02", "Bộ Tư pháp", "Ministry of Justice"),
    m("000.00.00.G03", "Bộ Tài chính", "Ministry of Finance"),
    m("000.00.00.G04", "Bộ Công Thương", "Ministry of Industry and Trade"),
    m("000.00.00.G05", "Bộ Nội vụ", "Ministry of Home Affairs"),
    m("000.00.00.G06", "Bộ Xây dựng", "Ministry of Construction"),
    m("000.00.00.G07", "Bộ Nông nghiệp và Môi trường", "Ministry of Agriculture and Environment"),
    m("000.00.00.G08", "Bảo hiểm xã hội Việt Nam", "Vietnam Social Security"),
    m("000.00.00.G09", "Bộ Y tế", "Ministry of Health"),
    m("000.00.00.G10", "Bộ Giáo dục và Đào tạo", "Ministry of Education and Training"),
    m("000.00.00.G11", "Bộ Ngoại giao", "Ministry of Foreign Affairs"),
    m("000.00.00.G12", "Bộ Khoa học và Công nghệ", "Ministry of Science and Technology"),
    m("000.00.00.G13", "Bộ Văn hóa, Thể thao và Du lịch", "Ministry of Culture, Sports and Tourism"),
    m("000.00.00.G14", "Bộ Dân tộc và Tôn giáo", "Ministry of Ethnic and Religious Affairs"),
    m("000.00.00.G15", "Ngân hàng Nhà nước Việt Nam", "State Bank of Vietnam"),
];

/// A department of a provincial People's Committee.
pub(super) struct Department {
    /// The department's group in agency codes.
    pub number: u8,
    pub vi: &'static str,
    pub en: &'static str,
}

const fn d(number: u8, vi: &'static str, en: &'static str) -> Department {
    Department { number, vi, en }
}

pub(super) const DEPARTMENTS: [Department; 12] = [
    d(1, "Sở Tài chính", "Department of Finance"),
    d(2, "Sở Nội vụ", "Department of Home Affairs"),
    d(3, "Sở Tư pháp", "Department of Justice"),
    d(4, "Sở Công Thương", "Department of Industry and Trade"),
    d(5, "Sở Xây dựng", "Department of Construction"),
    d(6, "Sở Nông nghiệp và Môi trường", "Department of Agriculture and Environment"),
    d(7, "Sở Khoa học và Công nghệ", "Department of Science and Technology"),
    d(8, "Sở Giáo dục và Đào tạo", "Department of Education and Training"),
    d(9, "Sở Y tế", "Department of Health"),
    d(10, "Sở Văn hóa, Thể thao và Du lịch", "Department of Culture, Sports and Tourism"),
    d(11, "Sở Dân tộc và Tôn giáo", "Department of Ethnic and Religious Affairs"),
    d(12, "Ngân hàng Nhà nước Chi nhánh Khu vực", "State Bank Regional Branch"),
];

/// A province or centrally-run city after the 2025 merger.
pub(super) struct Province {
    /// The two-digit statistical code it kept.
    pub code: &'static str,
    /// With its kind, as it follows an agency name: "tỉnh Nghệ An".
    pub vi: &'static str,
    pub en: &'static str,
}

const fn p(code: &'static str, vi: &'static str, en: &'static str) -> Province {
    Province { code, vi, en }
}

pub(super) const PROVINCES: [Province; 34] = [
    p("01", "thành phố Hà Nội", "Hanoi"),
    p("04", "tỉnh Cao Bằng", "Cao Bang Province"),
    p("08", "tỉnh Tuyên Quang", "Tuyen Quang Province"),
    p("11", "tỉnh Điện Biên", "Dien Bien Province"),
    p("12", "tỉnh Lai Châu", "Lai Chau Province"),
    p("14", "tỉnh Sơn La", "Son La Province"),
    p("15", "tỉnh Lào Cai", "Lao Cai Province"),
    p("19", "tỉnh Thái Nguyên", "Thai Nguyen Province"),
    p("20", "tỉnh Lạng Sơn", "Lang Son Province"),
    p("22", "tỉnh Quảng Ninh", "Quang Ninh Province"),
    p("24", "tỉnh Bắc Ninh", "Bac Ninh Province"),
    p("25", "tỉnh Phú Thọ", "Phu Tho Province"),
    p("31", "thành phố Hải Phòng", "Hai Phong City"),
    p("33", "tỉnh Hưng Yên", "Hung Yen Province"),
    p("37", "tỉnh Ninh Bình", "Ninh Binh Province"),
    p("38", "tỉnh Thanh Hóa", "Thanh Hoa Province"),
    p("40", "tỉnh Nghệ An", "Nghe An Province"),
    p("42", "tỉnh Hà Tĩnh", "Ha Tinh Province"),
    p("44", "tỉnh Quảng Trị", "Quang Tri Province"),
    p("46", "thành phố Huế", "Hue City"),
    p("48", "thành phố Đà Nẵng", "Da Nang City"),
    p("51", "tỉnh Quảng Ngãi", "Quang Ngai Province"),
    p("52", "tỉnh Gia Lai", "Gia Lai Province"),
    p("56", "tỉnh Khánh Hòa", "Khanh Hoa Province"),
    p("66", "tỉnh Đắk Lắk", "Dak Lak Province"),
    p("68", "tỉnh Lâm Đồng", "Lam Dong Province"),
    p("75", "tỉnh Đồng Nai", "Dong Nai Province"),
    p("79", "Thành phố Hồ Chí Minh", "Ho Chi Minh City"),
    p("80", "tỉnh Tây Ninh", "Tay Ninh Province"),
    p("82", "tỉnh Đồng Tháp", "Dong Thap Province"),
    p("86", "tỉnh Vĩnh Long", "Vinh Long Province"),
    p("91", "tỉnh An Giang", "An Giang Province"),
    p("92", "thành phố Cần Thơ", "Can Tho City"),
    p("96", "tỉnh Cà Mau", "Ca Mau Province"),
];

/// An applicant qualifier: "cho cá nhân" / "for individuals".
pub(super) struct Qualifier {
    pub vi: &'static str,
    pub en: &'static str,
    /// Only handled by a province's industrial parks authority.
    pub industrial_parks: bool,
    /// `Some(true)` for citizens only, `Some(false)` for organisations only.
    pub citizens: Option<bool>,
}

const fn q(vi: &'static str, en: &'static str, industrial_parks: bool, citizens: Option<bool>) -> Qualifier {
    Qualifier { vi, en, industrial_parks, citizens }
}

pub(super) const PERSON_QUALIFIERS: [Qualifier; 3] = [
    q("", "", false, Some(true)),
    q(" cho người nước ngoài", " for foreigners", false, Some(true)),
    q(" cho người Việt Nam định cư ở nước ngoài", " for overseas Vietnamese", false, Some(true)),
];

pub(super) const ORGANISATION_QUALIFIERS: [Qualifier; 5] = [
    q("", "", false, Some(false)),
    q(" cho doanh nghiệp có vốn đầu tư nước ngoài", " for foreign-invested enterprises", false, Some(false)),
    q(" trong khu công nghiệp, khu kinh tế", " in industrial parks and economic zones", true, Some(false)),
    q(" cho hợp tác xã", " for cooperatives", false, Some(false)),
    q(" cho đơn vị sự nghiệp công lập", " for public service units", false, Some(false)),
];

pub(super) const COMMUNITY_QUALIFIERS: [Qualifier; 1] = [q("", "", false, None)];

pub(super) const BOTH_QUALIFIERS: [Qualifier; 4] = [
    q("", "", false, None),
    q(" cho cá nhân", " for individuals", false, Some(true)),
    q(" cho tổ chức", " for organisations", false, Some(false)),
    q(" cho hộ kinh doanh", " for household businesses", false, Some(true)),
];

/// The suffix naming a tier, used when an object is handled at more than one.
pub(super) fn level_suffix(level: u8) -> (&'static str, &'static str) {
    match level {
        MINISTRY => (" (thực hiện tại cấp trung ương)", " (central level)"),
        PROVINCE => (" (thực hiện tại cấp tỉnh)", " (provincial level)"),
        _ => (" (thực hiện tại cấp xã)", " (commune level)"),
    }
}

/// A document the synthetic procedures can ask for.
pub(super) struct Document {
    pub id: &'static str,
    pub vi: &'static str,
    pub en: &'static str,
    pub media: &'static [&'static str],
    pub max_mib: u64,
    pub original: bool,
    pub reusable: bool,
}

const SCAN: &[&str] = &["application/pdf", "image/jpeg", "image/png"];
const PDF: &[&str] = &["application/pdf"];
const PHOTO: &[&str] = &["image/jpeg", "image/png"];

const fn doc(
    id: &'static str,
    vi: &'static str,
    en: &'static str,
    media: &'static [&'static str],
    max_mib: u64,
    original: bool,
    reusable: bool,
) -> Document {
    Document { id, vi, en, media, max_mib, original, reusable }
}

/// The application itself, first in every dossier.
pub(super) const APPLICATION: Document =
    doc("don-de-nghi", "Đơn đề nghị theo mẫu", "Application on the prescribed form", PDF, 5, true, false);

#[rustfmt::skip]
pub(super) const PERSON_DOCUMENTS: [Document; 4] = [
    doc("anh-chan-dung", "Ảnh chân dung 4x6 cm", "Portrait photo 4x6 cm", PHOTO, 2, true, false),
    doc("van-bang", "Bản sao văn bằng, chứng chỉ chuyên môn", "Copies of diplomas and qualifications", SCAN, 10, false, true),
    doc("giay-kham-suc-khoe", "Giấy khám sức khỏe", "Health certificate", SCAN, 10, true, true),
    doc("xac-nhan-kinh-nghiem", "Giấy xác nhận thời gian thực hành", "Proof of practical experience", SCAN, 10, true, false),
];

#[rustfmt::skip]
pub(super) const ORGANISATION_DOCUMENTS: [Document; 5] = [
    doc("dang-ky-doanh-nghiep", "Giấy chứng nhận đăng ký doanh nghiệp", "Enterprise registration certificate", SCAN, 10, false, true),
    doc("thuyet-minh", "Bản thuyết minh cơ sở vật chất, trang thiết bị", "Description of premises and equipment", PDF, 20, true, false),
    doc("danh-sach-nhan-su", "Danh sách nhân sự kèm bằng cấp", "Staff list with qualifications", PDF, 10, true, false),
    doc("ban-ve-mat-bang", "Bản vẽ mặt bằng cơ sở", "Site plan of the premises", PDF, 20, true, false),
    doc("hop-dong-thue", "Hợp đồng thuê địa điểm", "Lease of the premises", SCAN, 10, false, false),
];

/// Documents some verbs call for: amendment, re-issuance, revocation…
pub(super) const PREVIOUS_RESULT: Document = doc(
    "ban-goc-da-cap",
    "Bản gốc giấy phép, giấy chứng nhận đã cấp",
    "The original licence or certificate",
    SCAN,
    10,
    true,
    true,
);
pub(super) const PROOF_OF_CHANGE: Document =
    doc("giay-to-thay-doi", "Giấy tờ chứng minh nội dung thay đổi", "Proof of what changed", SCAN, 10, false, false);
pub(super) const ACTIVITY_REPORT: Document =
    doc("bao-cao-hoat-dong", "Báo cáo tình hình hoạt động", "Activity report", PDF, 10, true, false);
pub(super) const POWER_OF_ATTORNEY: Document = doc(
    "uy-quyen",
    "Văn bản ủy quyền (nếu nộp thay)",
    "Power of attorney (when filing for someone)",
    SCAN,
    10,
    true,
    false,
);
