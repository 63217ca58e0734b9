"""HTCDS 2.0 picklists. Values are the HTCDS system names, so import and export are mechanical."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CaseStatus(models.TextChoices):
    """``cas_Status``."""

    ACTIVE = "Active", _("Active")
    FOLLOW_UP = "FollowUp", _("Follow-up")
    CLOSED = "Closed", _("Closed")
    CLOSED_REFERRED = "ClosedReferred", _("Closed, referred")


# Which status may follow which; closing needs a reason, reopening goes back to Active.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.ACTIVE: frozenset(
        {CaseStatus.FOLLOW_UP, CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED}
    ),
    CaseStatus.FOLLOW_UP: frozenset(
        {CaseStatus.ACTIVE, CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED}
    ),
    CaseStatus.CLOSED: frozenset({CaseStatus.ACTIVE}),
    CaseStatus.CLOSED_REFERRED: frozenset({CaseStatus.ACTIVE}),
}
CLOSED_STATUSES = frozenset({CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED})


class TraffickingStatus(models.TextChoices):
    """``vic_TraffickingStatus``."""

    POSSIBLE = "PossibleVictimOfTrafficking", _("Possible victim of trafficking")
    ACTUAL = "ActualVictimOfTrafficking", _("Actual victim of trafficking")
    NOT_A_VICTIM = "NotAVictimOfTrafficking", _("Not a victim of trafficking")


class DecisionMakingOrganization(models.TextChoices):
    """``vic_TraffickingStatusDecisionMakingOrg``."""

    POLICE = "Police", _("Police")
    NGO = "NGO", _("NGO")
    COURT = "CourtOrProsecution", _("Court or prosecution")
    GOVERNMENT = "NonPoliceGovernmentalOrganization", _("Non-police governmental organization")
    OTHER = "Other", _("Other")


class ExploitationType(models.TextChoices):
    """``vic_TypeOfExploitation``."""

    FORCED_LABOUR = "ForcedLabour", _("Forced labour")
    SEXUAL = "SexualExploitation", _("Sexual exploitation")
    CHILD_LABOUR = "ChildLabour", _("Child labour")
    FORCED_MARRIAGE = "ForcedMarriage", _("Forced marriage")
    SERVITUDE = "Servitude", _("Servitude")
    FORCED_MILITARY = "ForcedMilitaryByNonStateActors", _("Forced military (by non-state actors)")
    ORGAN_REMOVAL = "OrganRemoval", _("Organ removal")
    FORCED_BEGGING = "ForcedBegging", _("Forced begging")
    FORCED_ADOPTION = "ForcedAdoption", _("Forced adoption")
    SURROGACY = "Surrogacy", _("Surrogacy")
    OTHER = "Other", _("Other")


class ForcedLabourIndustry(models.TextChoices):
    """``vic_ForcedLabourIndustry``: ISIC Rev.4 sections."""

    A = "A_AgricultureForestryAndFishing", _("Agriculture, forestry and fishing")
    B = "B_MiningAndQuarrying", _("Mining and quarrying")
    C = "C_Manufacturing", _("Manufacturing")
    D = (
        "D_ElectricityGasSteamAndAirConditioningSupply",
        _("Electricity, gas, steam, air conditioning"),
    )
    E = "E_WaterSupplySewerageWasteManagement", _("Water supply, sewerage, waste management")
    F = "F_Construction", _("Construction")
    G = "G_WholesaleAndRetailTradeRepairOfMotorVehicles", _("Wholesale and retail trade")
    H = "H_TransportationAndStorage", _("Transportation and storage")
    I = "I_AccommodationAndFoodServiceActivities", _("Accommodation and food service")  # noqa: E741
    J = "J_InformationAndCommunication", _("Information and communication")
    K = "K_FinancialAndInsuranceActivities", _("Financial and insurance activities")
    L = "L_RealEstateActivities", _("Real estate activities")
    M = "M_ProfessionalScientificAndTechnicalActivities", _("Professional, scientific, technical")
    N = "N_AdministrativeAndSupportServiceActivities", _("Administrative and support services")
    O = "O_PublicAdministrationAndDefence", _("Public administration and defence")  # noqa: E741
    P = "P_Education", _("Education")
    Q = "Q_HumanHealthAndSocialWorkActivities", _("Human health and social work")
    R = "R_ArtsEntertainmentAndRecreation", _("Arts, entertainment and recreation")
    S = "S_OtherServiceActivities", _("Other service activities")
    T = "T_ActivitiesOfHouseholdsAsEmployers", _("Households as employers (domestic work)")
    U = "U_ActivitiesOfExtraterritorialOrganizations", _("Extraterritorial organizations")


class SexExploitationType(models.TextChoices):
    """``vic_TypeOfSexExploitation``."""

    PROSTITUTION = "Prostitution", _("Prostitution")
    PORNOGRAPHY = "Pornography", _("Pornography")
    REMOTE = "RemoteInteractiveServices", _("Remote interactive services")
    PRIVATE = "PrivateSexualServices", _("Private sexual services")


class MethodOfControl(models.TextChoices):
    """``vic_MethodsOfControl``, plus RestrictsMovement from the HTCDS Field Definitions."""

    PHYSICAL_THREATS = "PhysicalThreats", _("Physical threats")
    THREATS_LAW_ENFORCEMENT = "ThreatsLawEnforcement", _("Threats of law enforcement")
    THREATENS_FAMILY = "ThreatensChildrenFamily", _("Threatens children or family")
    DEBT_BONDAGE = "DebtBondage", _("Debt bondage")
    FALSE_PROMISES = "FalsePromises", _("False promises")
    PHYSICAL_ABUSE = "PhysicalAbuse", _("Physical abuse")
    SEXUAL_ABUSE = "SexualAbuse", _("Sexual abuse")
    TAKES_EARNINGS = "TakesEarnings", _("Takes earnings")
    RESTRICTS_FINANCIAL = "RestrictsFinancialAccess", _("Restricts financial access")
    RESTRICTS_MEDICAL = "RestrictsMedicalCare", _("Restricts medical care")
    WITHHOLDS_NECESSITIES = "WithholdsNecessities", _("Withholds necessities")
    PSYCHOLOGICAL_ABUSE = "PsychologicalAbuse", _("Psychological abuse")
    PSYCHOACTIVE = "PsychoactiveSubstance", _("Psychoactive substances")
    EXCESSIVE_HOURS = "ExcessiveWorkingHours", _("Excessive working hours")
    WITHHOLDS_DOCUMENTS = "WithholdsDocuments", _("Withholds documents")
    RESTRICTS_MOVEMENT = "RestrictsMovement", _("Restricts movement")
    OTHER = "Other", _("Other")


class RecruitmentMethod(models.TextChoices):
    """``vic_MethodOfRecruitment``."""

    PLACE_OF_BUSINESS = "AtAPlaceOfBusiness", _("At a place of business")
    EDUCATIONAL = "AtAnEducationalInstitution", _("At an educational institution")
    AT_WORK = "AtWork", _("At work")
    SOCIAL_NETWORKS = "ThroughOnlineSocialNetworks", _("Through online social networks")
    ONLINE_ADVERT = "ThroughAnOnlineAdvertisement", _("Through an online advertisement")
    TV_ADVERT = "ThroughATelevisionAdvert", _("Through a television advert")
    NEWSPAPER = "ThroughANewspaperAdvert", _("Through a newspaper advert")
    FAMILY = "ThroughFamilyOrFamilyEvents", _("Through family or family events")
    FRIENDS = "ThroughFriendsOrSocialEvents", _("Through friends or social events")
    OTHER = "Other", _("Other")


class RecruitmentPlatform(models.TextChoices):
    """``vic_RecruitmentWebsitesAndApps``."""

    FACEBOOK = "Facebook", "Facebook"
    INSTAGRAM = "Instagram", "Instagram"
    WHATSAPP = "WhatsApp", "WhatsApp"
    TELEGRAM = "Telegram", "Telegram"
    MESSENGER = "FacebookMessenger", "Facebook Messenger"
    VIBER = "Viber", "Viber"
    SNAPCHAT = "SnapChat", "Snapchat"
    LINE = "Line", "Line"
    FOURSALE = "4Sale", "4Sale"
    WECHAT = "WeChat", "WeChat"
    QQ = "QQ", "QQ"
    QZONE = "QZone", "QZone"
    TIKTOK = "TikTok", "TikTok"
    TWITTER = "Twitter", "Twitter"
    OTHER = "Other", _("Other")


class RelationshipToTrafficker(models.TextChoices):
    """``vic_RelationshipToTrafficker`` (HTCDS spells the last one "Unaquainted")."""

    FAMILIAL = "Familial", _("Family")
    ACQUAINTED = "Acquainted", _("Acquaintance")
    UNACQUAINTED = "Unaquainted", _("Stranger")


class PerpetratorRole(models.TextChoices):
    """``per_RoleInProcess``."""

    TRAVELLING_PARTNER = "TravellingPartner", _("Travelling partner")
    TRANSPORTER = "Transporter", _("Transporter")
    RECRUITER = "RecruiterOrIntermediary", _("Recruiter or intermediary")
    BROKER = "BrokerTravelAgent", _("Broker or travel agent")
    TRANSFERRED = "TransferredIndividual", _("Transferred the person")
    HARBOURED = "HarbouredIndividual", _("Harboured the person")
    SOLD = "SoldIndividual", _("Sold the person")
    BOUGHT = "BoughtIndividual", _("Bought the person")
    RECEIVED = "ReceivedIndividual", _("Received the person")
    CONTROLLED = "ControlledIndividual", _("Controlled the person")
    SMUGGLER = "Smuggler", _("Smuggler")
    ABUSER = "Abuser", _("Abuser")
    KIDNAPPER = "Kidnapper", _("Kidnapper")
    EXPLOITER = "Exploiter", _("Exploiter")
    OTHER = "Other", _("Other")


class HistoricEventType(models.TextChoices):
    """``hte_Type``."""

    RECRUITMENT = "Recruitment", _("Recruitment")
    TRANSIT = "Transit", _("Transit")
    EXPLOITATION = "Exploitation", _("Exploitation")


class IdentificationStage(models.TextChoices):
    """Reasonable grounds (presumed victim), then conclusive grounds (identified victim)."""

    PRESUMED = "presumed", _("Presumed victim (reasonable grounds)")
    IDENTIFIED = "identified", _("Identified victim (conclusive grounds)")


class DecisionState(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    # Someone else's decision written down: the competent authority's, or the sender's of a
    # referral. No four eyes: nobody here decided.
    RECORDED = "recorded", pgettext_lazy("decision", "Recorded")
    # Replaced by a later decision (a reconsideration, or the authority's later decision).
    SUPERSEDED = "superseded", _("Superseded")


# The states of a decision that is (or was, until superseded) in force.
DECISION_IN_FORCE = frozenset({DecisionState.APPROVED, DecisionState.RECORDED})


class DecisionSource(models.TextChoices):
    """Where a decision comes from."""

    OWN = "own", _("This organization (four eyes)")
    AUTHORITY = "authority", _("The competent authority")
    REFERRAL = "referral", _("The sending organization of a referral")


class SupportPlanType(models.TextChoices):
    """``spl_Type``."""

    EDUCATION = "Education", _("Education")
    FINANCIAL = "Financial", _("Financial")
    HEALTH = "Health", _("Health")
    LABOUR_REHAB = "LabourExploitationRehabilitation", _("Labour exploitation rehabilitation")
    LEGAL = "Legal", _("Legal")
    LIVELIHOOD = "Livelihood", _("Livelihood")
    RIGHTS_TRAINING = "RightsBasedTraining", _("Rights-based training")
    SEXUAL_REHAB = "SexualExploitationRehabilitation", _("Sexual exploitation rehabilitation")
    SOCIAL_CARE = "SocialCare", _("Social care")


class ServiceType(models.TextChoices):
    LEGAL = "Legal", _("Legal")
    MEDICAL = "Medical", _("Medical")
    PSYCHOLOGICAL = "Psychological", _("Psychological")
    SHELTER = "Shelter", _("Shelter")
    RETURN_TRAVEL = "ReturnTravel", _("Return travel")
    REINTEGRATION = "Reintegration", _("Reintegration")
    FINANCIAL = "Financial", _("Financial")
    EDUCATION = "Education", _("Education")
    VOCATIONAL = "VocationalTraining", _("Vocational training")
    INTERPRETATION = "Interpretation", _("Interpretation")
    OTHER = "Other", _("Other")


class ServiceStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class ConsentPurpose(models.TextChoices):
    ASSISTANCE = "assistance", _("Assistance")
    STATISTICS = "statistics", _("Anonymous statistics")
    REFERRAL = "referral", _("Referral to another organization")
    CONTACT = "contact", _("Being contacted")


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", _("Verbal")
    WRITTEN = "written", _("Written")
    ELECTRONIC = "electronic", _("Electronic")
    # An import from an organization's file (HTCDS con_Consent TRUE): given, but not known how.
    RECORDED = "recorded", _("Recorded from a file (how it was given is not known)")


class DatePrecision(models.TextChoices):
    """How much of a route event's date is known; the date stored is the period's first day."""

    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


# The order of a route's stops on one day, or among stops of unknown date.
EVENT_TYPE_ORDER = ("Recruitment", "Transit", "Exploitation")


class ContactSafety(models.TextChoices):
    """Whether the person may be contacted safely, from the latest needs assessment."""

    SAFE = "safe", _("Safe to contact")
    WITH_CARE = "with_care", _("Only as agreed")
    UNSAFE = "unsafe", _("Not safe to contact")
    UNKNOWN = "unknown", _("Not known")


class ContactChannel(models.TextChoices):
    """How the person may be contacted."""

    PHONE_CALL = "phone_call", _("Phone call")
    TEXT_MESSAGE = "text_message", _("Text message")
    MESSENGER = "messenger", _("Messenger app")
    IN_PERSON = "in_person", _("In person")
    THROUGH_TRUSTED_PERSON = "trusted_person", _("Through a trusted person")
    EMAIL = "email", _("E-mail")


class RiskLevel(models.TextChoices):
    """Risk from the traffickers, as the case worker assesses it."""

    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    UNKNOWN = "unknown", _("Not known")


class AccommodationNeed(models.TextChoices):
    """What the person needs for a place to stay."""

    NONE = "none", _("Has a safe place to stay")
    EMERGENCY = "emergency", _("Needs emergency shelter now")
    SHELTER = "shelter", _("Needs a shelter place")
    LONGER_TERM = "longer_term", _("Needs longer-term housing")
    UNKNOWN = "unknown", _("Not known")
