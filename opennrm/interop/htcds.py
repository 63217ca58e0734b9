"""The 84 fields of HTCDS 2.0 (IOM, CC BY 4.0) as data, and where OpenNRM keeps each one.

Built from ``shared/reference/htcds/FIELDS.md`` (the standard's .ods). ``Field.picklist`` holds
(system name, display label) pairs; the official "single select with validation" template offers
the display labels, with its own spellings (``Follow up``, ``Debt bondage ``, ``Migration Or Change
Of Location``), which ``picklist_match`` accepts alongside the system names.

``STORAGE`` says for each field whether OpenNRM stores it as it is (DIRECT), after a conversion
(CONVERTED: several HTCDS fields into one of ours, or a list into a single value), or not at all
(NOT_STORED); ``storage_counts()`` gives the totals (35 direct, 16 converted, 33 not stored).
What an import writes of these is ``IMPORTED`` in ``opennrm/interop/rows.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Storage(StrEnum):
    DIRECT = "direct"
    CONVERTED = "converted"
    NOT_STORED = "not stored"


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: str  # as HTCDS names it: Text, Long Text, Date, Picklist, Multiselect Picklist, ...
    core: bool = False
    deprecated: bool = False
    picklist: tuple[tuple[str, str], ...] = ()

    @property
    def multiple(self) -> bool:
        return self.type.startswith("Multiselect")

    @property
    def prefix(self) -> str:
        return self.name.split("_", 1)[0]


FIELDS: tuple[Field, ...] = (
    Field("org_Name", "Organisation Name", "Text", core=False, deprecated=False, picklist=()),
    Field("org_ShippingCity", "Shipping City", "Text", core=False, deprecated=False, picklist=()),
    Field(
        "org_ShippingCountry",
        "Shipping Country",
        "Picklist or Text",
        core=False,
        deprecated=False,
        picklist=(),
    ),
    Field(
        "org_ShippingState",
        "Shipping State/Province",
        "Picklist or Text",
        core=False,
        deprecated=False,
        picklist=(),
    ),
    Field(
        "org_ShippingStreet", "Shipping Street", "Text", core=False, deprecated=False, picklist=()
    ),
    Field(
        "org_ShippingPostalCode",
        "Shipping Zip/Postal Code",
        "Text",
        core=False,
        deprecated=False,
        picklist=(),
    ),
    Field(
        "org_ShippingLongitude",
        "Longitude",
        "Geolocation",
        core=False,
        deprecated=False,
        picklist=(),
    ),
    Field(
        "org_ShippingLatitude", "Latitude", "Geolocation", core=False, deprecated=False, picklist=()
    ),
    Field("org_Phone", "Phone", "Text", core=False, deprecated=False, picklist=()),
    Field(
        "org_Type",
        "Type",
        "Picklist",
        core=False,
        deprecated=False,
        picklist=(
            ("NGO", "NGO"),
            ("LawEnforcement", "Law Enforcement"),
            ("HealthServiceOrganisation", "Health Service Organisation"),
            ("CentralGovernmentOrganisation", "Central Government Organisation"),
            ("LocalGovernmentOrganisation", "Local Government Organisation"),
            ("ImmigrationService", "Immigration Service"),
            ("LegalService", "Legal Service"),
            ("CorporateBusiness", "Corporate Business"),
            ("SchoolOrCollege", "School or College"),
        ),
    ),
    Field("prs_Salutation", "Salutation", "Text", core=True, deprecated=False, picklist=()),
    Field("prs_FirstName", "First Name", "Text", core=True, deprecated=False, picklist=()),
    Field("prs_MiddleName", "Middle Name", "Text", core=False, deprecated=False, picklist=()),
    Field("prs_SecondName", "Second Name", "Text", core=True, deprecated=False, picklist=()),
    Field("prs_Birthdate", "Birthdate", "Date", core=True, deprecated=False, picklist=()),
    Field(
        "prs_Gender",
        "Gender",
        "Picklist",
        core=True,
        deprecated=False,
        picklist=(
            ("Feminine", "Feminine"),
            ("Masculine", "Masculine"),
            ("TransgenderFeminine", "Transgender Feminine"),
            ("TransgenderMasculine", "Transgender Masculine"),
            ("NonConforming", "Non-Conforming"),
            ("NonSpecifiedUnknown", "Not Specified/Unknown"),
        ),
    ),
    Field("prs_Deceased", "Deceased", "Checkbox", core=False, deprecated=False, picklist=()),
    Field(
        "prs_MaritalStatus",
        "Marital Status",
        "Picklist",
        core=False,
        deprecated=False,
        picklist=(
            ("Single", "Single"),
            ("Married", "Married"),
            ("Widowed", "Widowed"),
            ("Divorced", "Divorced"),
            ("Separated", "Separated"),
            ("RegisteredPartnership", "Registered Partnership"),
        ),
    ),
    Field(
        "prs_NumberOfChildren",
        "Number of Children",
        "Number",
        core=False,
        deprecated=False,
        picklist=(),
    ),
    Field(
        "prs_PrimaryLanguage",
        "Primary Language",
        "Picklist",
        core=False,
        deprecated=False,
        picklist=(),
    ),
    Field(
        "prs_SecondaryLanguage",
        "Secondary Language",
        "Picklist",
        core=False,
        deprecated=False,
        picklist=(),
    ),
    Field(
        "prs_HighestLevelOfEducation",
        "Highest Level of Education",
        "Picklist",
        core=False,
        deprecated=False,
        picklist=(
            ("EarlyChildhoodEducation", "Early Childhood Education"),
            ("PrimaryEducation", "Primary Education"),
            ("LowerSecondaryEducation", "Lower Secondary Education"),
            ("UpperSecondaryEducation", "Upper Secondary Education"),
            ("PostSecondaryNonTertiaryEducation", "Post-secondary Non-tertiary Education"),
            ("ShortCycleTertiaryEducation", "Short-cycle Tertiary Education"),
            ("BachelorsOrEquivalentLevel", "Bachelor’s or Equivalent Level"),
            ("MastersOrEquivalentLevel", "Master’s or Equivalent Level"),
            ("DoctoralOrEquivalentLevel", "Doctoral or Equivalent Level"),
        ),
    ),
    Field(
        "prs_Citizenship",
        "Citizenship",
        "Multiselect Picklist",
        core=True,
        deprecated=False,
        picklist=(),
    ),
    Field(
        "prs_IdentityNumber", "Identity Number", "Text", core=False, deprecated=False, picklist=()
    ),
    Field("prs_Title", "Title", "Text", core=True, deprecated=False, picklist=()),
    Field("prs_Email", "Email", "Text", core=True, deprecated=False, picklist=()),
    Field("prs_HomePhone", "Home Phone", "Text", core=True, deprecated=False, picklist=()),
    Field("prs_MobilePhone", "Mobile Phone", "Text", core=True, deprecated=False, picklist=()),
    Field("prs_MailingCity", "Mailing City", "Text", core=True, deprecated=False, picklist=()),
    Field(
        "prs_MailingCountry", "Mailing Country", "Text", core=True, deprecated=False, picklist=()
    ),
    Field(
        "prs_MailingState",
        "Mailing State/Province",
        "Text",
        core=True,
        deprecated=False,
        picklist=(),
    ),
    Field("prs_MailingStreet", "Mailing Street", "Text", core=True, deprecated=False, picklist=()),
    Field(
        "prs_MailingPostalCode",
        "Mailing Zip/Postal Code",
        "Text",
        core=True,
        deprecated=False,
        picklist=(),
    ),
    Field("prs_MailingLongitude", "Longitude", "Number", core=False, deprecated=False, picklist=()),
    Field("prs_MailingLatitude", "Latitude", "Number", core=False, deprecated=False, picklist=()),
    Field(
        "vic_AgreementToManagePersonalData",
        "Agreement to Manage Personal Data",
        "Checkbox",
        core=False,
        deprecated=True,
        picklist=(),
    ),
    Field(
        "vic_TraffickingStatus",
        "Trafficking Status",
        "Picklist",
        core=True,
        deprecated=False,
        picklist=(
            ("PossibleVictimOfTrafficking", "Possible victim of trafficking"),
            ("ActualVictimOfTrafficking", "Actual victim of trafficking"),
            ("NotAVictimOfTrafficking", "Not a victim of trafficking"),
        ),
    ),
    Field(
        "vic_TraffickingStatusDecisionMakingOrg",
        "Trafficking Status Decision Making Organization",
        "Picklist",
        core=True,
        deprecated=False,
        picklist=(
            ("Police", "Police"),
            ("NGO", "NGO"),
            ("CourtOrProsecution", "Court or prosecution"),
            ("NonPoliceGovernmentalOrganization", "Non-police governmental organization"),
            ("Other", "Other"),
        ),
    ),
    Field(
        "vic_RelationshipToTrafficker",
        "Relationship to Trafficker",
        "Picklist",
        core=False,
        deprecated=False,
        picklist=(
            ("Familial", "Familial"),
            ("Acquainted", "Acquainted"),
            ("Unaquainted", "Unaquainted"),
        ),
    ),
    Field(
        "vic_AgeWhenTrafficked",
        "Age when Trafficked",
        "Number",
        core=False,
        deprecated=False,
        picklist=(),
    ),
    Field(
        "vic_RecruitmentWebsitesAndApps",
        "Recruitment Websites and Apps",
        "Multiselect Picklist",
        core=False,
        deprecated=False,
        picklist=(
            ("Facebook", "Facebook"),
            ("Instagram", "Instagram"),
            ("WhatsApp", "WhatsApp"),
            ("Telegram", "Telegram"),
            ("FacebookMessenger", "Facebook Messenger"),
            ("Viber", "Viber"),
            ("SnapChat", "SnapChat"),
            ("Line", "Line"),
            ("4Sale", "4Sale"),
            ("WeChat", "WeChat"),
            ("QQ", "QQ"),
            ("QZone", "QZone"),
            ("TikTok", "TikTok"),
            ("Twitter", "Twitter"),
            ("Other", "Other"),
        ),
    ),
    Field(
        "vic_MethodOfRecruitment",
        "Method of Recruitment",
        "Multiselect Picklist",
        core=True,
        deprecated=False,
        picklist=(
            ("AtAPlaceOfBusiness", "At a place of business"),
            ("AtAnEducationalInstitution", "At an educational institution"),
            ("AtWork", "At work"),
            ("ThroughOnlineSocialNetworks", "Through online social networks"),
            ("ThroughAnOnlineAdvertisement", "Through an online advertisement"),
            ("ThroughATelevisionAdvert", "Through a television advert"),
            ("ThroughANewspaperAdvert", "Through a newspaper advert"),
            ("ThroughFamilyOrFamilyEvents", "Through family or family events"),
            ("ThroughFriendsOrSocialEvents", "Through friends or social events"),
            ("Other", "Other"),
        ),
    ),
    Field(
        "vic_LocationOfRecruitment",
        "Location of Recruitment",
        "Lookup [to organisation]",
        core=True,
        deprecated=False,
        picklist=(),
    ),
    Field(
        "vic_MethodsOfControl",
        "Methods of Control",
        "Multiselect Picklist",
        core=True,
        deprecated=False,
        picklist=(
            ("PhysicalThreats", "Physical threats"),
            ("ThreatsLawEnforcement", "Threats of law enforcement"),
            ("ThreatensChildrenFamily", "Threatens children/family"),
            ("DebtBondage", "Debt bondage"),
            ("FalsePromises", "False promises"),
            ("PhysicalAbuse", "Physical abuse"),
            ("SexualAbuse", "Sexual abuse"),
            ("TakesEarnings", "Takes earnings"),
            ("RestrictsFinancialAccess", "Restricts financial access"),
            ("RestrictsMedicalCare", "Restricts medical care"),
            ("WithholdsNecessities", "Withholds necessities"),
            ("PsychologicalAbuse", "Psychological abuse"),
            ("PsychoactiveSubstance", "Psychoactive substance"),
            ("ExcessiveWorkingHours", "Excessive working hours"),
            ("WithholdsDocuments", "Withholds documents"),
            ("Other", "Other"),
        ),
    ),
    Field(
        "vic_TypeOfExploitation",
        "Type of Exploitation",
        "Multiselect Picklist",
        core=True,
        deprecated=False,
        picklist=(
            ("ForcedLabour", "Forced labour"),
            ("SexualExploitation", "Sexual exploitation"),
            ("ChildLabour", "Child labour"),
            ("ForcedMarriage", "Forced marriage"),
            ("Servitude", "Servitude"),
            ("ForcedMilitaryByNonStateActors", "Forced military (by non-state actors)"),
            ("OrganRemoval", "Organ removal"),
            ("ForcedBegging", "Forced begging"),
            ("ForcedAdoption", "Forced adoption"),
            ("Surrogacy", "Surrogacy"),
            ("Other", "Other"),
        ),
    ),
    Field(
        "vic_ForcedLabourIndustry",
        "Forced Labour Industry",
        "Picklist",
        core=True,
        deprecated=False,
        picklist=(
            ("A_AgricultureForestryAndFishing", "Agriculture, forestry and fishing"),
            ("B_MiningAndQuarrying", "Mining and quarrying"),
            ("C_Manufacturing", "Manufacturing"),
            (
                "D_ElectricityGasSteamAndAirConditioningSupply",
                "Electricity, gas, steam and air conditioning supply",
            ),
            (
                "E_WaterSupplySewerageWasteManagement",
                "Water supply; sewerage, waste management and remediation",
            ),
            ("F_Construction", "Construction"),
            (
                "G_WholesaleAndRetailTradeRepairOfMotorVehicles",
                "Wholesale and retail trade; repair of motor vehicles and motorcycles",
            ),
            ("H_TransportationAndStorage", "Transportation and storage"),
            (
                "I_AccommodationAndFoodServiceActivities",
                "Accommodation and food service activities",
            ),
            ("J_InformationAndCommunication", "Information and communication"),
            ("K_FinancialAndInsuranceActivities", "Financial and insurance activities"),
            ("L_RealEstateActivities", "Real estate activities"),
            (
                "M_ProfessionalScientificAndTechnicalActivities",
                "Professional, scientific and technical activities",
            ),
            (
                "N_AdministrativeAndSupportServiceActivities",
                "Administrative and support service activities",
            ),
            (
                "O_PublicAdministrationAndDefence",
                "Public administration and defence; compulsory social security",
            ),
            ("P_Education", "Education"),
            ("Q_HumanHealthAndSocialWorkActivities", "Human health and social work activities"),
            ("R_ArtsEntertainmentAndRecreation", "Arts, entertainment and recreation"),
            ("S_OtherServiceActivities", "Other service activities"),
            (
                "T_ActivitiesOfHouseholdsAsEmployers",
                "Activities of households as employers; undifferentiated goods- and services- "
                "producing activities of households for own use",
            ),
            (
                "U_ActivitiesOfExtraterritorialOrganizations",
                "Activities of extraterritorial organizations and bodies",
            ),
        ),
    ),
    Field(
        "vic_TypeOfSexExploitation",
        "Type of Sex Exploitation",
        "Multiselect Picklist",
        core=True,
        deprecated=False,
        picklist=(
            ("Prostitution", "Prostitution"),
            ("Pornography", "Pornography"),
            ("RemoteInteractiveServices", "Remote Interactive Services"),
            ("PrivateSexualServices", "Private Sexual Services"),
        ),
    ),
    Field(
        "vic_LocationOfExploitation",
        "Location of Exploitation",
        "Lookup [to organisation]",
        core=True,
        deprecated=False,
        picklist=(),
    ),
    Field(
        "vic_ExploitationWebsitesAndApps",
        "Exploitation Websites and Apps",
        "Multiselect Picklist",
        core=False,
        deprecated=False,
        picklist=(
            ("Facebook", "Facebook"),
            ("Instagram", "Instagram"),
            ("WhatsApp", "WhatsApp"),
            ("Telegram", "Telegram"),
            ("FacebookMessenger", "Facebook Messenger"),
            ("Viber", "Viber"),
            ("SnapChat", "SnapChat"),
            ("Line", "Line"),
            ("4Sale", "4Sale"),
            ("WeChat", "WeChat"),
            ("QQ", "QQ"),
            ("QZone", "QZone"),
            ("TikTok", "TikTok"),
            ("Twitter", "Twitter"),
            ("Other", "Other"),
        ),
    ),
    Field(
        "vic_Vulnerabilities",
        "Vulnerabilities",
        "Multiselect Picklist",
        core=True,
        deprecated=True,
        picklist=(
            ("Addiction", "Addiction"),
            ("SocialGroup", "Social Group"),
            ("Discrimination", "Discrimination"),
            ("Poverty", "Poverty"),
            ("DisabilityAndPhysicalHealth", "Disability and physical health"),
            ("MentalHealth", "Mental health"),
            ("Migration", "Migration"),
            ("Homelessness", "Homelessness"),
            ("AbuseSocialMedia", "Abuse - social media"),
            ("AbusePhysical", "Abuse - physical"),
            ("Education", "Education"),
            ("WorkEnvironment", "Work environment"),
        ),
    ),
    Field(
        "vic_DetailsOfVulnerabilities",
        "Details Of Vulnerabilities",
        "Long Text",
        core=True,
        deprecated=True,
        picklist=(),
    ),
    Field(
        "per_RoleInProcess",
        "Role in Process",
        "Multiselect Picklist",
        core=False,
        deprecated=False,
        picklist=(
            ("TravellingPartner", "Travelling Partner"),
            ("Transporter", "Transporter"),
            ("RecruiterOrIntermediary", "Recruiter Or Intermediary"),
            ("BrokerTravelAgent", "Broker Travel Agent"),
            ("TransferredIndividual", "Transferred Individual"),
            ("HarbouredIndividual", "Harboured Individual"),
            ("SoldIndividual", "Sold Individual"),
            ("BoughtIndividual", "Bought Individual"),
            ("ReceivedIndividual", "Received Individual"),
            ("ControlledIndividual", "Controlled Individual"),
            ("Smuggler", "Smuggler"),
            ("Abuser", "Abuser"),
            ("Kidnapper", "Kidnapper"),
            ("Exploiter", "Exploiter"),
            ("Other", "Other"),
        ),
    ),
    Field(
        "per_RoleDetails", "Role Details", "Long Text", core=False, deprecated=False, picklist=()
    ),
    Field("per_Organisation", "", "", core=False, deprecated=False, picklist=()),
    Field(
        "cas_Status",
        "Status",
        "Picklist",
        core=True,
        deprecated=False,
        picklist=(
            ("Active", "Active"),
            ("FollowUp", "Follow Up"),
            ("Closed", "Closed"),
            ("ClosedReferred", "Closed Referred"),
        ),
    ),
    Field(
        "cas_ReasonForCaseClosure",
        "Reason for Case Closure",
        "Long Text",
        core=True,
        deprecated=False,
        picklist=(),
    ),
    Field(
        "cas_CaseOwner", "Case Owner", "Lookup [to user]", core=True, deprecated=False, picklist=()
    ),
    Field(
        "cas_ReferringOrganisation",
        "Referring Organisation",
        "Lookup [to organisation]",
        core=True,
        deprecated=False,
        picklist=(),
    ),
    Field(
        "cas_IncomingReferralDate",
        "Incoming Referral Date",
        "Date",
        core=True,
        deprecated=False,
        picklist=(),
    ),
    Field(
        "cas_ReferringPrimaryCaseWorker",
        "Referring Primary Case Worker",
        "Lookup [to person]",
        core=True,
        deprecated=False,
        picklist=(),
    ),
    Field(
        "cas_ReasonForIncomingReferral",
        "Reason for Incoming Referral",
        "Picklist",
        core=True,
        deprecated=False,
        picklist=(
            ("AdditionalServicesRequired", "Additional Services Required"),
            ("MigrationOrChangeOfLocation", "Migration or Change of Location"),
            ("Other", "Other"),
        ),
    ),
    Field(
        "cas_IncomingReferralDetails",
        "Incoming Referral Details",
        "Long Text",
        core=True,
        deprecated=False,
        picklist=(),
    ),
    Field(
        "cas_ReferredOrganisation",
        "Referred Organisation",
        "Lookup [to organisation]",
        core=True,
        deprecated=False,
        picklist=(),
    ),
    Field(
        "cas_ReferredPrimaryCaseWorker",
        "Referred Primary Case Worker",
        "Lookup [to person]",
        core=True,
        deprecated=False,
        picklist=(),
    ),
    Field(
        "cas_ReasonForOutgoingReferral",
        "Reason for Outgoing Referral",
        "Picklist",
        core=True,
        deprecated=False,
        picklist=(
            ("AdditionalServicesRequired", "Additional Services Required"),
            ("MigrationOrChangeOfLocation", "Migration or Change of Location"),
            ("Other", "Other"),
        ),
    ),
    Field(
        "cas_OutgoingReferralDate",
        "Outgoing Referral Date",
        "Date",
        core=True,
        deprecated=False,
        picklist=(),
    ),
    Field(
        "cas_OutgoingReferralDetails",
        "Outgoing Referral Details",
        "Long Text",
        core=True,
        deprecated=False,
        picklist=(),
    ),
    Field(
        "cco_CaseComment", "Case Comment", "Long Text", core=False, deprecated=False, picklist=()
    ),
    Field("hte_Longitude", "Longitude", "Geolocation", core=False, deprecated=False, picklist=()),
    Field("hte_Latitude", "Latitude", "Geolocation", core=False, deprecated=False, picklist=()),
    Field("hte_City", "City", "Text", core=False, deprecated=False, picklist=()),
    Field("hte_Country", "Country", "Text", core=False, deprecated=False, picklist=()),
    Field("hte_State", "State", "Text", core=False, deprecated=False, picklist=()),
    Field("hte_Street", "Street", "Text", core=False, deprecated=False, picklist=()),
    Field("hte_PostalCode", "PostalCode", "Text", core=False, deprecated=False, picklist=()),
    Field("hte_Date", "Date", "Date", core=False, deprecated=False, picklist=()),
    Field(
        "hte_Type",
        "Type",
        "Picklist",
        core=False,
        deprecated=False,
        picklist=(
            ("Recruitment", "Recruitment"),
            ("Transit", "Transit"),
            ("Exploitation", "Exploitation"),
        ),
    ),
    Field("hte_Description", "Description", "Long Text", core=False, deprecated=False, picklist=()),
    Field("spl_Objectives", "Objectives", "Long Text", core=False, deprecated=False, picklist=()),
    Field("spl_ActionPlan", "Action Plan", "Long Text", core=False, deprecated=False, picklist=()),
    Field(
        "spl_PlannedEndDate", "Planned End Date", "Date", core=False, deprecated=False, picklist=()
    ),
    Field(
        "spl_ActualEndDate", "Actual End Date", "Date", core=False, deprecated=False, picklist=()
    ),
    Field(
        "spl_Type",
        "Type",
        "Picklist",
        core=False,
        deprecated=False,
        picklist=(
            ("Education", "Education"),
            ("Financial", "Financial"),
            ("Health", "Health"),
            ("LabourExploitationRehabilitation", "Labour Exploitation Rehabilitation"),
            ("Legal", "Legal"),
            ("Livelihood", "Livelihood"),
            ("RightsBasedTraining", "Rights-based Training"),
            ("SexualExploitationRehabilitation", "Sexual Exploitation Rehabilitation"),
            ("SocialCare", "Social Care"),
        ),
    ),
    Field("con_Consent", "Consent", "Checkbox", core=True, deprecated=False, picklist=()),
)
BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}

# Where OpenNRM keeps each field: (how, where). Every field of FIELDS has an entry.
STORAGE: dict[str, tuple[Storage, str]] = {
    "org_Name": (Storage.DIRECT, "accounts.Organization.name"),
    "org_ShippingCity": (Storage.DIRECT, "accounts.Organization.city"),
    "org_ShippingCountry": (Storage.DIRECT, "accounts.Organization.country"),
    "org_Phone": (Storage.DIRECT, "accounts.Organization.phone"),
    "org_Type": (Storage.CONVERTED, "accounts.Organization.org_type (types of our own)"),
    "prs_FirstName": (Storage.DIRECT, "people.Person.given_name"),
    "prs_MiddleName": (Storage.DIRECT, "people.Person.patronymic"),
    "prs_SecondName": (Storage.DIRECT, "people.Person.family_name"),
    "prs_Birthdate": (Storage.DIRECT, "people.Person.birth_date"),
    "prs_Gender": (Storage.DIRECT, "people.Person.gender"),
    "prs_MaritalStatus": (Storage.DIRECT, "people.Person.marital_status"),
    "prs_NumberOfChildren": (Storage.DIRECT, "people.Person.number_of_children"),
    "prs_HighestLevelOfEducation": (Storage.DIRECT, "people.Person.education"),
    "prs_PrimaryLanguage": (Storage.CONVERTED, "people.Person.languages, first"),
    "prs_SecondaryLanguage": (Storage.CONVERTED, "people.Person.languages, second"),
    "prs_Citizenship": (
        Storage.CONVERTED,
        "people.Person.citizenship (the first), other_citizenships (the others)",
    ),
    "prs_IdentityNumber": (Storage.CONVERTED, "people.Person.documents (national identity card)"),
    "prs_HomePhone": (Storage.CONVERTED, "people.Person.phones, phone_kinds"),
    "prs_MobilePhone": (Storage.CONVERTED, "people.Person.phones, phone_kinds"),
    "prs_MailingStreet": (Storage.DIRECT, "people.Person.address (the street line)"),
    "prs_MailingCity": (Storage.DIRECT, "people.Person.address_parts.city"),
    "prs_MailingState": (Storage.DIRECT, "people.Person.address_parts.state"),
    "prs_MailingPostalCode": (Storage.DIRECT, "people.Person.address_parts.postal_code"),
    "prs_MailingCountry": (Storage.DIRECT, "people.Person.address_parts.country"),
    "vic_AgreementToManagePersonalData": (Storage.CONVERTED, "cases.Consent (per purpose)"),
    "vic_TraffickingStatus": (Storage.DIRECT, "cases.Case.trafficking_status"),
    "vic_TraffickingStatusDecisionMakingOrg": (
        Storage.DIRECT,
        "cases.Case.trafficking_status_decided_by",
    ),
    "vic_RelationshipToTrafficker": (Storage.DIRECT, "cases.Case.relationship_to_trafficker"),
    "vic_AgeWhenTrafficked": (Storage.DIRECT, "cases.Case.age_when_trafficked"),
    "vic_RecruitmentWebsitesAndApps": (Storage.DIRECT, "cases.Case.recruitment_platforms"),
    "vic_MethodOfRecruitment": (Storage.DIRECT, "cases.Case.recruitment_methods"),
    "vic_MethodsOfControl": (Storage.DIRECT, "cases.Case.methods_of_control"),
    "vic_TypeOfExploitation": (Storage.DIRECT, "cases.Case.exploitation_types"),
    "vic_ForcedLabourIndustry": (Storage.DIRECT, "cases.Case.forced_labour_industry"),
    "vic_TypeOfSexExploitation": (Storage.DIRECT, "cases.Case.sex_exploitation_types"),
    "per_RoleInProcess": (Storage.DIRECT, "cases.Case.perpetrator_roles"),
    "cas_Status": (Storage.DIRECT, "cases.Case.status"),
    "cas_ReasonForCaseClosure": (Storage.DIRECT, "cases.Case.closure_reason"),
    "cas_CaseOwner": (Storage.CONVERTED, "cases.Case.owner (a member, not a name)"),
    "cco_CaseComment": (Storage.CONVERTED, "cases.Note"),
    "hte_City": (Storage.DIRECT, "cases.HistoricEvent.city"),
    "hte_Country": (Storage.DIRECT, "cases.HistoricEvent.country"),
    "hte_Date": (Storage.DIRECT, "cases.HistoricEvent.occurred_on"),
    "hte_Type": (Storage.DIRECT, "cases.HistoricEvent.event_type"),
    "hte_Description": (Storage.DIRECT, "cases.HistoricEvent.description"),
    "spl_Objectives": (Storage.DIRECT, "cases.SupportPlan.objectives"),
    "spl_ActionPlan": (Storage.DIRECT, "cases.SupportPlan.action_plan"),
    "spl_PlannedEndDate": (Storage.DIRECT, "cases.SupportPlan.planned_end_on"),
    "spl_ActualEndDate": (Storage.DIRECT, "cases.SupportPlan.ended_on"),
    "spl_Type": (Storage.DIRECT, "cases.SupportPlan.plan_type"),
    "con_Consent": (Storage.CONVERTED, "cases.Consent (one per purpose, not one TRUE/FALSE)"),
    "vic_LocationOfRecruitment": (Storage.CONVERTED, "cases.Case.country_of_origin (a country)"),
    **{
        name: (Storage.CONVERTED, f"referrals.RecordedReferral.{ours} ({direction})")
        for direction, fields in (
            (
                "incoming",
                (
                    ("cas_ReferringOrganisation", "organization_name"),
                    ("cas_IncomingReferralDate", "referred_on"),
                    ("cas_ReferringPrimaryCaseWorker", "worker"),
                    ("cas_ReasonForIncomingReferral", "reason"),
                    ("cas_IncomingReferralDetails", "details"),
                ),
            ),
            (
                "outgoing",
                (
                    ("cas_ReferredOrganisation", "organization_name"),
                    ("cas_OutgoingReferralDate", "referred_on"),
                    ("cas_ReferredPrimaryCaseWorker", "worker"),
                    ("cas_ReasonForOutgoingReferral", "reason"),
                    ("cas_OutgoingReferralDetails", "details"),
                ),
            ),
        )
        for name, ours in fields
    },
    "vic_LocationOfExploitation": (
        Storage.CONVERTED,
        "cases.Case.country_of_exploitation, or its city when not a country",
    ),
}
for _field in FIELDS:
    STORAGE.setdefault(_field.name, (Storage.NOT_STORED, ""))


def storage_counts() -> dict[Storage, int]:
    """How many HTCDS fields OpenNRM stores directly, by conversion, or not at all."""
    counts = dict.fromkeys(Storage, 0)
    for how, _where in STORAGE.values():
        counts[how] += 1
    return counts


# Fields whose values identify a person: a problem report never repeats their value.
IDENTIFYING = frozenset(
    {
        "prs_Salutation",
        "prs_FirstName",
        "prs_MiddleName",
        "prs_SecondName",
        "prs_Birthdate",
        "prs_IdentityNumber",
        "prs_Title",
        "prs_Email",
        "prs_HomePhone",
        "prs_MobilePhone",
        "prs_MailingCity",
        "prs_MailingState",
        "prs_MailingStreet",
        "prs_MailingPostalCode",
        "prs_MailingLongitude",
        "prs_MailingLatitude",
        "vic_DetailsOfVulnerabilities",
        "per_RoleDetails",
        "cas_ReasonForCaseClosure",
        "cas_IncomingReferralDetails",
        "cas_OutgoingReferralDetails",
        "cas_ReferringPrimaryCaseWorker",
        "cas_ReferredPrimaryCaseWorker",
        "cas_CaseOwner",
        "cco_CaseComment",
        "hte_Street",
        "hte_Description",
        "spl_Objectives",
        "spl_ActionPlan",
        "CaseId",
    }
)

# The organization's own id of a case: not an HTCDS 2.0 field (the templates have none), accepted
# beside them under this name or the label "Case ID"; it is how a re-import finds its cases.
CASE_ID = "cas_CaseId"
CASE_ID_LABEL = "Case ID"

# Field names as the official templates spell them, where they differ from the standard.
NAME_ALIASES = {"vic_TraffickinStatusDecisionMakingOrg": "vic_TraffickingStatusDecisionMakingOrg"}

# The fields of the official Excel templates (columns B to AM), in their order: labels are looked
# up among these first, since several fields of other sections share a label ("Type", "City").
TEMPLATE_FIELDS = (
    "cas_CaseOwner",
    "prs_Salutation",
    "prs_FirstName",
    "prs_SecondName",
    "con_Consent",
    "prs_Birthdate",
    "prs_Gender",
    "prs_Citizenship",
    "prs_Title",
    "prs_Email",
    "prs_HomePhone",
    "prs_MobilePhone",
    "prs_MailingCity",
    "prs_MailingCountry",
    "prs_MailingState",
    "prs_MailingStreet",
    "prs_MailingPostalCode",
    "vic_TraffickingStatus",
    "vic_TraffickingStatusDecisionMakingOrg",
    "vic_MethodOfRecruitment",
    "vic_LocationOfRecruitment",
    "vic_MethodsOfControl",
    "vic_TypeOfExploitation",
    "vic_ForcedLabourIndustry",
    "vic_TypeOfSexExploitation",
    "vic_LocationOfExploitation",
    "cas_Status",
    "cas_ReferringOrganisation",
    "cas_IncomingReferralDate",
    "cas_ReferringPrimaryCaseWorker",
    "cas_ReasonForIncomingReferral",
    "cas_IncomingReferralDetails",
    "cas_ReferredOrganisation",
    "cas_ReferredPrimaryCaseWorker",
    "cas_ReasonForOutgoingReferral",
    "cas_OutgoingReferralDate",
    "cas_OutgoingReferralDetails",
    "cas_ReasonForCaseClosure",
)


def squeeze(text: str) -> str:
    """A label or value compared without regard to case, spaces or punctuation."""
    return re.sub(r"[\W_]+", "", text.casefold())


def field_by_name(name: str) -> str | None:
    """The standard's name of a field named ``name`` in a file (the templates' spelling too)."""
    name = name.strip()
    if name == CASE_ID or name.casefold() == CASE_ID.casefold():
        return CASE_ID
    name = NAME_ALIASES.get(name, name)
    if name in BY_NAME:
        return name
    folded = {n.casefold(): n for n in (*BY_NAME, *NAME_ALIASES)}
    found = folded.get(name.casefold())
    return NAME_ALIASES.get(found, found) if found else None


def _labels() -> dict[str, list[str]]:
    by_label: dict[str, list[str]] = {}
    ordered = [*TEMPLATE_FIELDS, *(f.name for f in FIELDS if f.name not in TEMPLATE_FIELDS)]
    for name in ordered:
        if not squeeze(BY_NAME[name].label):
            continue  # per_Organisation has no label
        by_label.setdefault(squeeze(BY_NAME[name].label), []).append(name)
    by_label.setdefault(squeeze(CASE_ID_LABEL), []).append(CASE_ID)
    return by_label


LABELS = _labels()


def field_by_label(label: str) -> str | None:
    """The field a column label names: the template's field first where labels repeat."""
    names = LABELS.get(squeeze(label), [])
    if not names:
        return None
    template = [n for n in names if n in TEMPLATE_FIELDS or n == CASE_ID]
    return (template or names)[0] if len(template) <= 1 and (template or len(names) == 1) else None


def picklist_match(field: Field, value: str) -> str | None:
    """The system name ``value`` stands for, by system name or display label; None if none."""
    key = squeeze(value)
    for system, label in field.picklist:
        if key in (squeeze(system), squeeze(label)):
            return system
    return None
