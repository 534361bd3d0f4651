"""Facts read out of a question: project owner or partner, EU funding and programme, total
budget, the official's own EUR/SEK rate, submission date, and any section the question names.
The words are data (facts.yaml, programmes.yaml); what is not said stays unknown (None), never
guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from policy.amounts import Amount, AmountReader
from policy.model import ProjectFacts
from policy.normalise import clean, fold
from policy.programmes import Programmes


@dataclass(frozen=True)
class Extraction:
    facts: ProjectFacts
    amounts: list[Amount] = field(default_factory=list)
    budget_is_part: bool = False  # the budget figure is Malmö's share or the grant, not the total
    section_refs: list[str] = field(default_factory=list)
    eur_sek_rate: Decimal | None = None  # SEK per EUR the question says to use ("räkna med 11,25")
    eu_funding_assumed: bool = False  # EU funding read from a question about the routine's acts naming no funder
    grant_only: Amount | None = None  # the grant applied for, the only amount given: a floor under the total
    # the total worked out from a figure said to be a share of it: (that figure, its currency, the share in per cent)
    total_from_share: tuple[Decimal, str | None, Decimal] | None = None
    # the total worked out as the sum of the parts named beside their figures: (the parts' figures, their currency, the
    # project's years when every part is a year's)
    total_from_parts: tuple[tuple[Decimal, ...], str | None, Decimal | None] | None = None

    @property
    def mentions_amount(self) -> bool:
        return any(a.kind != "threshold" for a in self.amounts)


def _any(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{fold(p)})" for p in patterns))


_TERM = re.compile(r"\{(\w+)\}")
# "+" joins amounts ("9 mkr + 4 mkr"), not a programme's name ("ESF+ är 8 mkr").
_PART_SEPARATOR = re.compile(r"[,;]|(?<![a-z])\+|\+(?= ?\d)| och | and | plus ")
_LOCATED_IN = {"i", "in"}
_ARTICLES = frozenset({"the", "a", "an"})
_COPULAS = frozenset({"are", "is", "was", "were", "am", "ar", "e", "var", "blir"})
# What is said after these is the project as it now stands: "men nu söker vi som lead", "Update: we take the lead",
# "vi är partner nej förlåt projektägare".
_CONTRAST = re.compile(r"\b(?:men|but|however|dock|update|uppdatering|rattelse|correction|forlat|sorry|jag menar|i mean|nu|numera|"
                       r"now|tar over|tog over|took over|taken over)\b")
_BRACKETS = re.compile(r" ?[()\[\]] ?")
_QUOTE = re.compile(r"(?<!\w)['\"”“’‘]|['\"”“’‘](?!\w)")
# A name whose first parts are shortened ("Hälsa-, vård- och omsorgsnämnden", "arbetsmarknads- och socialnämnden") is
# read by its last part, which says what kind of body it is.
_SHORTENED_PARTS = re.compile(r"\b(?:[\w]+-,? )+(?:och|o|samt|and|&) (\w+)")
# The same in English, a body named by what it does, joined by "and": "Health and Care Department", "the Culture and
# Leisure Committee" read as "department", "committee"; not two parties joined ("Lund University and our department").
_NAME_WORD = r"(?!(?:our|my|their|your|its|the|a|an|his|her|this|that|another|other)\b)[\w-]+"
_JOINED_ENGLISH_NAME = re.compile(rf"\b(?:the )?{_NAME_WORD},? (?:{_NAME_WORD},? )?(?:and|&) {_NAME_WORD} "
                                  r"(department|committee|administration)\b")
_SPACE_BEFORE_STOP = re.compile(r" +([,.;:!?])")
# An aside naming which of the asker's own bodies is meant, of any length: "vår förvaltning (gymnasie- och vuxenutbildning)"; not
# one that says its role ("our department (lead partner)").
_OWN_BODY_ASIDE = re.compile(r"\b((?:var|vart|vara|our|my|min|mitt) [\w-]+) \((?![^()]*(?:partner|lead|koord|coord|agare|owner|sokande|"
                             r"applicant|huvud|ansvarig|beneficiar|mottagare|samordn|ledare))[^()]{1,80}\)")
# One to three words, each after exactly one space: a word may be split only one way, so a long bracket without a
# closing one costs a single pass, not a search of every split (hostile text).
_ASIDE = re.compile(r" ?\((?!(?:[^()\s]+ )?(?:is|are|ar|e) )[^()\s]+(?: [^()\s]+){0,2}\) ?")
# "om förvaltningen i stället blir projektägare": written as one word, which the subject's words skip.
_INSTEAD = re.compile(r"\bi stallet\b")
# Right before a programme or funder named: it is the one replaced, not the one asked about ("Arvsfonden ist f ESF+").
_REPLACED = re.compile(r"\b(?:i ?stallet for|ist\.? ?f\.?|instead of|rather than|snarare an) ?$")
# The low end of a range right before an amount: "mellan 10 och 14 miljoner", "between 10 and 14 million", "10–14 mkr" (not
# "från 11 till 12,5 miljoner", a change).
_RANGE_LOW = re.compile(r"(?:\b(?:mellan|between)\s+(?P<low>\d+(?:[.,]\d+)?)\s*(?:och|and|[-–])\s*"
                        r"|(?<![\d.,])(?<!\d )(?P<low2>\d+(?:[.,]\d+)?)\s?[-–]\s?)$")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
# A number supposed in a question, without its unit: "Om den blir 13, behövs informationsärende då?"
_SUPPOSED_NUMBER = re.compile(r"\b(?:om|if|ifall|what if)\b[^.?!,]{0,30}?\b(?:blir|ar|vore|var|landar pa|hamnar pa|is|were|becomes|ends up at)"
                              r" (?:pa |at )?(?P<n>\d+(?:[.,]\d+)?)(?![\d.,]*\s*(?:%|procent|ar\b|years?\b))")
# Where a clause starts, for words that must stand in the amount's own clause.
_CLAUSE_START = re.compile(r"[.;:!?,](?:\s|$)")


def _expand(pattern: str, terms: dict[str, str]) -> str:
    """`pattern` with each {name} of `terms` written out (terms may use terms); {2} and the like stay."""
    while True:
        expanded = _TERM.sub(lambda m: terms[m[1]] if m[1] in terms else m[0], pattern)
        if expanded == pattern:
            return expanded
        pattern = expanded


def _prefilter(pattern: str, terms: dict[str, str]) -> re.Pattern[str] | None:
    """For a pattern that starts with its subject ({who}, {list_who}), what follows the subject alone: the whole can match
    only where that does, and searching for it first skips most patterns at a third of the cost (the subject's words,
    tried at every word of the question, are the dear part)."""
    for head in ("{who}", "{list_who}"):
        if pattern.startswith(head):
            return re.compile(_expand(pattern[len(head):], terms))
    return None


def _words(words: list[str]) -> str:
    return "|".join(f"(?:{fold(w)})" for w in words)


@dataclass(frozen=True)
class _AskedProject:
    """Of several projects described, the one asked about: its programme (None for a funder other than the EU), its
    figures, who owns it as read where it is described, and whether it is EU money (None: another funder)."""

    programme: str | None
    figures: list[Amount]
    owner: OwnerReading
    eu: bool | None


_OTHER_PROJECT = re.compile(r"\b(?:den andra|det andra|ett annat|en annan (?:ansokan|projekt\w*|esf\+?|interreg\w*|erasmus\+?|"
                            r"life|horizon\w*|horisont\w*|amif|cef|urbact|[\w+-]+-ansokan)|ett till projekt|andra "
                            r"(?:projektet|ansokan)|the other|another (?:one|bid|project|application)|the second one)\b")
# Projects told apart by their order: "i den ena … i den andra", "in the first … the second … the third one".
_ORDINAL = re.compile(r"\b(?P<o1>den ena|det ena|den forsta(?=\s*(?:ansokan|ansokningen|projekt|ar\b|e\b|galler\b|[,:;?.!]|$))"
                      r"|the first one)\b"
                      r"|\b(?P<o2>den andra|det andra|the second(?: one)?)\b|\b(?P<o3>den tredje|det tredje|the third(?: one)?)\b")
# More than one project said in words: "två ansökningar", "three Horizon Europe proposals", "in two of them".
_SEVERAL = re.compile(r"\b(?:tva|tre|fyra|flera|2|3|4|two|three|four|several)\b(?: [\w+-]+){0,3}? (?:ansokn\w*|ansokan|projekt|"
                      r"applications|proposals|projects|bids)\b|\b(?:i den ena|in one of them|in two of them|i det ena)\b")
_THE_NEW_ONE = re.compile(r"\b(?:det nya|den nya|det nya projektet|den nya ansokan|the new one|the new (?:project|application|bid))\b")
_NEW_BEFORE = re.compile(r"\b(?:ny|nytt|nya|new)\b[^.?!,]*$")
_ANOTHER_FUNDER = "another funder"
_ITEM = "item "
_ITEM_LABEL = re.compile(r"(?:^|(?<=\s))(?P<label>[1-9a-d])\)\s|\b(?:projekt|project|ansokan|application) (?P<label2>[a-d])\b")
_ITEM_ASKED = re.compile(r"\b(?:fraga|fragan|question|fragor)\b[^.?!]{0,25}?\b(?:galler|om|about|concerns|is about|for|ror)\s+"
                         r"(?:projekt\s+|project\s+|punkt\s+|nummer\s+)?(?P<label>[1-9a-d])\b|\bfor (?:projekt |project )?"
                         r"(?P<label3>[a-d])\s*\?")
_EU_MONEY = "EU"
_EU_NAMED = re.compile(r"\beu-?(?:finansierat|finansierad|finansierade|projekt\w*|ansokan|ansokningen|natverk\w*|funded|project|"
                       r"application|bid)\b|\ban eu (?:project|application|bid|funded)\b")
# Where a message passes from one project to the next: sentences, ";", "dels", "och", "plus", "samt", "o", "->".
_PROJECT_BREAK = re.compile(r"[.!?;](?:\s+|$)|(?<!-)(?<!- )\s*(?:,\s*)?\b(?:dels|och|plus|samt|o|and|och sa|as well as|men|but|medan|"
                            r"whereas|while)\b\s*|\s*->\s*|\s+(?=[1-9a-d]\)\s)"
                            # a list of projects: ", en LIFE-ansökan där …, en Interreg där …", "EU4Health (…), Horizon (…)",
                            # "CEF där vi leder + Horizon där vi är partner"
                            r"|,\s+(?=(?:en|ett|a|an|one|i den|i det|in the|den andra|det andra|den tredje|det tredje|the second|the third|the other)\b)|(?<=\)),\s*|\s\+\s")
# EU money said to be replaced by another's: "inte från EU utan från Formas", "not from the EU but from Vinnova".
_INSTEAD_OF_EU = re.compile(r"\b(?:inte|ej|not)\b[^.?!]{0,40}\b(?:eu|eu:s|the eu)\b[^.?!]{0,20}\b(?:utan|but|istallet|instead)\b")
# Money of several funders in one project: "11 miljoner från EU plus 5 miljoner från Arvsfonden i samma projekt".
_ONE_PROJECT = re.compile(r"\b(?:i samma projekt|samma projekt|in the same project|the same project|medfinansier\w*|co-?financ\w*|"
                          r"co-?fund\w*|samfinansier\w*)\b")
# A part that goes on with a verb, its subject left out after "och": "Vi söker … och är dessutom partner i …"
_SUBJECT_LEFT_OUT = re.compile(r"(?:ar|e|blir|is|are|am)\b(?! \d)")  # not "år 2025"
# Money named only by its kind ("nationella pengar", "statliga medel"): no project of its own.
_FUNDING_KIND = ("nationell", "national", "statlig", "state ", "government", "kommunala", "municipal", "statsbidrag")


def _parts(text: str) -> list[tuple[int, int]]:
    """The spans between project breaks."""
    spans, begin = [], 0
    for m in _PROJECT_BREAK.finditer(text):
        if m.start() > begin:
            spans.append((begin, m.start()))
        begin = m.end()
    if begin < len(text):
        spans.append((begin, len(text)))
    return spans


@dataclass(frozen=True)
class OwnerReading:
    owner: bool | None  # whether Malmö stad (a nämnd) is the project owner; None: not said
    company: bool = False  # the owner named is a company, so a nämnd is not (`owner` is False)
    disputed: bool = False  # Malmö said to own a project and not to own one, and nothing settled which is asked about


@dataclass(frozen=True)
class _Statement:
    """What one pattern's match says: where it ends, whether Malmö stad owns the project (None: nothing), whether the
    owner it names is a company, whether it is the asker's own partner role, and whether it names one of Malmö's bodies
    (not the asker) as the owner."""

    end: int
    verdict: bool | None
    company: bool = False
    asker_a_partner: bool = False
    malmo_named_owner: bool = False
    superseded: bool = False  # said of how it was or was meant to be, not how it is ("först var universitetet koordinator")
    # the match names one of the city's bodies or a company, not the asker, as the one with the role: a role read without a
    # subject inside it is that one's ("… där Parkering Malmö deltar som partner")
    names_holder: bool = False


def _settled(text: str, said: list[_Statement], turn: int = 0) -> bool | None:
    """Of statements that disagree on whether Malmö stad owns the project, the one that settles it, if any. `turn`: where
    the asker last changed course (`last_course_change`), 0 if she did not."""
    # What is said after the asker changes course is how it is, whichever way it turns: "Projektet leds av Migrationsverket
    # – nej, jag har fel: arbetsmarknads- och socialnämnden blir projektägare", "miljönämnden står som koordinator … Nej
    # förresten, koordinatorskapet har gått över till VA SYD och vi är partner".
    after = {s.verdict for s in said if s.end > turn}
    if turn and len(after) == 1 and any(s.end <= turn for s in said):
        return after.pop()
    # What is said after the last "men"/"but" is the project asked about: "vi är partner i ett Interreg-projekt sedan
    # tidigare, men nu söker vi ett eget som projektägare". A statement counts where it ends: "vi leder ett arbetspaket,
    # men Rostock är lead partner" says Rostock's role after the "men", though its subject's match starts at "men".
    # Any such word counts that every "not the owner" comes before and an "owner" after ("vi sökte som partner … i augusti
    # tog vi över som projektägare … Vad gäller nu?": the "nu" at the end turns nothing).
    # First, what was or was meant to be gives way to what is: "Miljöförvaltningen var tänkt som projektansvarig men har nu
    # blivit medverkande part", "föreningen som skulle leda hoppade av", "we were going to coordinate but handed it over".
    now = {s.verdict for s in said if not s.superseded}
    if len(now) == 1 and any(s.superseded for s in said):
        return now.pop()
    for turn in (m.end() for m in _CONTRAST.finditer(text)):
        if all(s.end < turn for s in said if s.verdict is False) and any(s.end >= turn for s in said if s.verdict):
            return True
    # A last sentence that asks about a project it names settles which: "… partner i ett Interreg-projekt som Köpenhamn
    # leder. Vad gäller för ESF+-ansökan där vi är projektägare?" (not "Räknas vi då som projektägare?", which asks it).
    last = max((m.end() for m in _SENTENCE_BREAK.finditer(text)), default=0)
    in_last = {s.verdict for s in said if s.end > last}
    if last and len(in_last) == 1 and (_ASKS_ABOUT.match(text, last) or _NAMES_ITS_PROJECT.search(text, last)):
        return in_last.pop()
    # The asker's nämnd a partner and another of the city's nämnder the owner: Malmö stad owns it ("vi på
    # funktionsstödsförvaltningen är partner … projektägare är arbetsmarknads- och socialnämnden").
    if all(s.asker_a_partner for s in said if s.verdict is False) and any(s.malmo_named_owner for s in said):
        return True
    # A partner's role said of the other project is not the one asked about: "vår LIFE-ansökan (vi är projektägare) …
    # Den andra ansökan, där vi är partner, är redan inne", "ett Interreg-projekt som vi leder och ett annat där vi är
    # partner" (only when the owner's statement is not itself about another one).
    other = [(start, end) for start, end in _parts(text) if _OTHER_PROJECT.search(text, start, end)]
    if other:
        def of_other(statement: _Statement) -> bool:
            return any(start < statement.end <= end for start, end in other)

        if all(of_other(s) for s in said if s.verdict is False) and any(not of_other(s) for s in said if s.verdict):
            return True
    return None


def last_course_change(pattern: re.Pattern[str] | None, text: str) -> int:
    """Where the asker last changes course in `text` (facts.yaml course_change: "nej vänta", "låt mig omformulera", "scratch
    that"): what follows is what she means now. 0 when she does not."""
    return max((m.end() for m in pattern.finditer(text)), default=0) if pattern is not None else 0


# A subject's verb at a sentence's start, as far as `_another_opens_sentence` needs to know where the subject ends.
_OPENING_VERBS = frozenset({"is", "are", "was", "will", "would", "shall", "has", "have", "plans", "wants", "intends",
                            "applies", "ar", "e", "ska", "skall", "har", "vill", "kommer", "planerar", "tanker", "avser",
                            "soker", "ansoker", "forbereder", "skriver"})
# Before a relative pronoun that does not ask: "in which", "för vilket".
_PREPOSITIONS = frozenset({"in", "for", "of", "on", "at", "by", "with", "under", "i", "av", "pa", "med", "till", "genom"})
_RELATIVE = frozenset({"which", "vilken", "vilket", "vilka"})


def _relative_after_preposition(words: list[str], i: int) -> bool:
    """Whether words[i] is a relative pronoun after a preposition, which asks nothing ("in which", "för vilket")."""
    return i > 0 and words[i] in _RELATIVE and words[i - 1] in _PREPOSITIONS


# An auxiliary verb a pattern's subject took in: "miljönämnden will" of "Miljönämnden will act as coordinating beneficiary".
_TRAILING_AUX = re.compile(r"(?: (?:will|would|shall|should|must|may|might|can|could|ska|skall|vill|kan|kommer att))+$")


# What a company's kind is said with before it, at a sentence's start: "the concert hall company (Malmö Live …) wants …",
# "vårt fastighetsbolag"; not "a company", a kind of applicant rather than one.
_THE_KIND_OF = re.compile(r"(?:(?:the|our|vart|var) (?:[\w-]+ ){0,3}?(?=(?:[\w-]*bolag(?:et)?|company)\b))?")


# A body's name in English, where a final "s" before it is a plural, not a genitive.
_ENGLISH_BODY = re.compile(r"(?:department|dept|committee|administration|office|unit|team|board|services?|division)\b")
# A body of the city, said with "en annan"/"another": "en annan nämnd", "another committee".
_CITY_BODY = re.compile(r"namnd(?:en)?|forvaltning(?:en)?|committee|department")
_ASKS_ABOUT = re.compile(r"(?:vad|vilka|vilken|vilket|hur|nar|what|which|how|when)\b")
# A last sentence that names the project it asks about by the role in it: "Behövs informationsärende för
# Erasmus+-ansökan där vi är koordinator?", "Do we inform KS about the LIFE bid where we are a partner?"
_NAMES_ITS_PROJECT = re.compile(r"\b(?:for|om|about|on|regarding|gallande|angaende) (?:den |det |var |vart |the |our )?"
                                r"[\w+-]*(?:ansokan|ansokningen|projekt(?:et)?|application|project|bid|proposal) "
                                r"(?:dar|where|in which|som|that)\b")
_SENTENCE_BREAK = re.compile(r"[.!?](?:\s+|$)(?=\S)")
# After a partner's role denied, the owner's role instead: "… inte partner utan lead", "not a partner but the coordinator".
_INSTEAD_OF_PARTNER = re.compile(r"\W*(?:utan|but|rather|snarare|istallet|instead)\b")
# Another subject between a company's name and the role or verb: "MKB tipsade om att vi kan söka Interreg".
_ANOTHER_SUBJECT = re.compile(r"\b(?:vi|we|jag|oss|us|our|vart|namnden|forvaltningen|staden|malmo stad)\b")
# A role denied between a subject and it: "MKB står inte längre som sökande", "the company is no longer the applicant".
_DENIED = re.compile(r"\b(?:inte|ej|icke|aldrig|not|no longer|never)\b")
# A verb of applying, with what may stand between a subject and it ("MKB ska söka", "Malmö Live wants to apply").
_APPLIES = re.compile(r"\b(?:(?:vill|ska|skall|kommer att|planerar att|tanker|funderar pa att|wants? to|will|plans? to|is going to"
                      r"|intends? to) )?(?:soka|soker|ansoka|ansoker|sokt|applies|apply|applying|is applying)\b")
# Where a new statement starts: a sentence, or a dash or semicolon ("Bolaget är inte längre sökande – ansökan görs nu av …").
_SENTENCE_OR_DASH = re.compile(r"[.!?](?:\s+|$)(?=\S)|\s[–—-]\s|;\s")
# The first word of a subject that denies it: "MKB och inte nämnden".
_DENYING = frozenset({"inte", "ej", "icke", "not"})
# How it was or was meant to be, said in a statement's clause ("var tänkt som", "skulle leda … hoppade av", "först",
# "were going to"); not "skulle" of a supposition ("om vi skulle bli lead"), which is no past.
_SUPERSEDED = re.compile(r"\b(?:(?<!\bom )(?<!\bif )(?<!\bifall )skulle(?! kunna)|var tankt\w*|var planerad\w*|forst|ursprungligen|fran "
                         r"borjan|till en borjan|from the start|were going to|was going to|was supposed to|were supposed to|"
                         r"was meant to|were meant to|originally|initially|at first|used to|had planned|hoppade av|hoppat "
                         r"av|drog sig ur|dragit sig ur|drar sig ur|backed out|pulled out|dropped out|withdrew|has withdrawn|"
                         r"have withdrawn)\b")
# An arrow after a statement: it was changed into what follows ("partner -> koordinator").
_CHANGED_TO = re.compile(r"\s*(?:->|→|=>)")
# Where a statement's clause begins or ends: a sentence, a comma, a contrast or a clause of time or cause.
_CLAUSE_EDGE = re.compile(r"[.,;:!?]|\b(?:men|but|utan|och|and|sedan|eftersom|efter att|since|because|after|whereas|medan|while)\b")


def _superseded(text: str, start: int, end: int) -> bool:
    """Whether the statement at start–end is said of how it was or was meant to be: a marker in its clause, up to the
    statement's end and a few words after it ("… som skulle leda hoppade av")."""
    if _CHANGED_TO.match(text, end):
        return True  # "Roll: partner -> ny roll: koordinator": what the arrow leads away from
    begin = max((m.end() for m in _CLAUSE_EDGE.finditer(text, 0, start)), default=0)
    after = _CLAUSE_EDGE.search(text, end)
    stop = min(after.start() if after else len(text), end + 25)
    return bool(_SUPERSEDED.search(text, begin, stop))


# The asker's own application: "vår LIFE-ansökan", "our Interreg bid", "bolagets ansökan".
_OUR_APPLICATION = re.compile(r"\b(?:var|vart|vara|our|bolagets|the company's|sin|its) (?:[\w+-]+ ){0,2}?(?:[\w+-]*ansokan|"
                              r"ansokningar|application|bid|proposal|[\w+-]*projekt(?:et)?|project)\b")
# A relative clause set off by commas: ", där Malmö stad är medlem,", ", som bildades av staden,".
_RELATIVE_ASIDE = re.compile(r",\s(?:som|dar|vilken|vilket|which|where|who|that)\s[^,.;:!?()]{1,60},\s")
# A role said in the past with Swedish "var"/"va": what it was, which gives way to what it is when both are said.
_PAST_COPULA = re.compile(r" (?:inte |ej |aldrig )?(?:var|va)\b")  # right after the subject: "vår" is folded to "var" too
# An organisation named, then what kind it is: "Räddningstjänsten Syd, som är ett kommunalförbund,".
_NAMED_BY_KIND = re.compile(r"(?:[\w-]+ ){0,3}[\w-]+, som (?:ar|e) (?:ett|en) (?:[\w-]+ )?(?P<kind>kommunalforbund|bolag|aktiebolag|"
                            r"stiftelse)\w*, ")
# One of the city's companies, said as one of many: a company, in fewer words than {by} reaches over.
_ONE_OF_THE_COMPANIES = re.compile(r"\b(?:ett|en|one) (?:av|of) (?:stadens|malmo stads|kommunens|the city's|malmo's) "
                                   r"(?:helagda |delagda |wholly[- ]owned |kommunala |municipal )?(?:bolag|companies)\b")
# A cleft sentence's opening, before the subject it stresses: "Det är stadens helägda bolag som söker …".
# (in a cleft a company said by its kind is the party: "det är ett helägt kommunalt bolag som söker …")
_CLEFT = re.compile(r"^\s*(?:det ar|det e|it is|it's) (?:(?:stadens|malmo stads|the city's|ett av stadens|one of the city's|ett|en|a|an) )?"
                    r"(?:(?:helagda|helagt|wholly owned|wholly-owned|kommunala|kommunalt|municipal|city-owned) )*")
# "They" for a body named before: in a cleft ("… men det är de som koordinerar", "it's them who lead") or opening a sentence
# ("The Preschool Committee is planning an Erasmus+ application. They will be the coordinator").
_THEY_CLEFT = re.compile(r"\b(det|it) (ar|e|blir|is|was|var) (?P<they>de|dom|dem|they|them) (som|who|that)\b")
_THEY_OPENING = re.compile(r"(?:^|[.!?;] )(?P<they>they|de|dom) (?=(?:will|are|would|shall|ska|skall|blir|kommer|vill|ar|e|leder|"
                           r"koordinerar|samordnar|lead|coordinate)\b)")
# The body a sentence opens with: "Servicenämnden är …", "The Preschool Committee is …", "MKB söker …".
_BODY_OPENING = re.compile(r"(?:the |den |det )?(?P<body>(?:[\w-]+ ){0,4}?(?:[\w-]*(?:namnden|forvaltningen|kontoret)|committee|"
                           r"department|administration|board|office))\b")
# A condition and the asker's possessive before a company: "om vårt helägda bolag söker …", "if our housing company applies".
_CONDITION_AND_OWNER = re.compile(r"^\s*(?:(?:om|if|nar|when|ifall) )?(?:(?:vart|vara|our|my) (?:[\w-]+ ){0,2}?"
                                  r"(?=[\w-]*bolag|company|aktiebolag))?")
# A label before a sentence: "Snabbfråga: …", "Fråga: …".
_LABEL = re.compile(r"^\s*(?:\w+ ){0,1}\w+: ")


def _sentence_head(text: str, at: int) -> str:
    """The words of the sentence (or the part after a dash) up to `at`, without a label before them ("Snabbfråga:") or
    a cleft's opening ("det är"): where a subject would stand."""
    start = max((m.end() for m in _SENTENCE_OR_DASH.finditer(text, 0, at)), default=0)
    return _CLEFT.sub("", _LABEL.sub("", text[start:at], count=1), count=1)


# A share said to be of the total itself: "25 % av den totala budgeten", "60 % av totalbudgeten", "20% of the total".
_OF_THE_TOTAL = re.compile(r"\b(?:av|of) (?:de |den |det |the |projektets |the project's )?(?:totala? |total |overall )?"
                           r"(?:totalbudget(?:en)?|totalen|total(?: budget)?|budget(?:en)?|kostnader(?:na)?|costs)\b")
# A figure named the total before it: "totalbudgeten är", "sammanlagt", "the whole project"; or the budget ("budgeten är").
_TOTAL_NAMED = re.compile(r"\b(?:tot\w*|sammanlag\w*|hela (?:projekt|konsorti|partnerskap)\w*|omslut\w*|projektbudget\w*|"
                          r"projektkostnad\w*|overall|whole project|entire project)\b")
_TOTAL_OR_BUDGET_NAMED = re.compile(rf"{_TOTAL_NAMED.pattern}|\b(?:\w*budget\w*|\w*kostnad\w*|kostar|costs?)\b")


class OwnerReader:
    """Whether Malmö stad is the project owner, from the patterns of facts.yaml's project_owner.

    A pattern may name who has the role ({who} before the verb, {by} after it): Malmö stad (also
    one of its förvaltningar or nämnder), another organisation, or no one ("vem leder?").
    Patterns are not folded: they are written folded, and fold would lower-case (?P<...>).
    """

    def __init__(self, vocab: dict[str, Any], course_change: re.Pattern[str] | None = None) -> None:
        terms = {name: str(p) for name, p in vocab["terms"].items()}
        self._course_change = course_change
        self._ambiguous = [re.compile(_expand(p, terms)) for p in vocab["ambiguous"]]
        self._programme_names: frozenset[str] = frozenset()  # set by FactReader: a programme's name is no party
        self._roles = "(?:" + terms["owner_role"] + ")|(?:" + terms["partner_role"] + ")"
        # a role or a verb of leading or owning: a clause with one says who has the role ("…, som vi koordinerar, …")
        self._role_or_lead = re.compile("|".join(f"(?:{_expand(terms[name], terms)})" for name in
                                                 ("owner_role", "partner_role", "lead_verb", "lead_ing", "own_verb")
                                                 if name in terms))
        self._role_after_programme: re.Pattern[str] | None = None  # compiled when a question first has brackets
        # (only after an organisation's name: "koordinator (coordinator)" and "vi leder (koord)" translate or repeat the role)
        self._role_aside = re.compile(r"\b((?:[\w-]+ )?[\w-]*(?:namnd|namnden|forvaltning|forvaltningen|kontoret|stad|kommun|"
                                      r"universitet|hogskola|region|regionen|skolan|skola|ab|bolaget|stiftelsen|foreningen|malmo)) "
                                      r"\((?:((?:[\w-]+ )?[\w-]+), )?((?:" + terms["owner_role"] + ")|(?:" + terms["partner_role"]
                                      + r"))\)")
        self._role_after_the_application = re.compile(
            r"\b((?:var |vart |our |the )?(?:[\w+-]*ansokan|ansokningen|application|bid|projektet|project)) \((" + self._roles
            + r")((?:, [^()]*)?)\)")
        # (pattern, verdict when Malmö has the role, verdict when another has it, its pre-filter): another as the
        # owner means Malmö is not; another as a partner says nothing about Malmö.
        self._rules: list[tuple[re.Pattern[str], bool, bool | None, re.Pattern[str] | None]] = (
            [(re.compile(_expand(p, terms)), False, None, _prefilter(p, terms)) for p in vocab["partner"]]
            + [(re.compile(_expand(p, terms)), True, False, _prefilter(p, terms)) for p in vocab["owner"]]
            + [(re.compile(_expand(p, terms)), True, None, _prefilter(p, terms)) for p in vocab.get("owner_if_malmo", [])]
        )
        malmo = _words(vocab["malmo"])
        self._malmo_last = re.compile(rf"(?:^| )(?:{malmo})$")
        self._malmo_first = re.compile(rf"^(?:{malmo})(?: |$)")
        self._not_malmo = re.compile(rf"\b(?:{_words(vocab['not_malmo'])})\b")
        self._no_actor = {fold(w) for w in vocab["no_actor"]}
        self._asking = {fold(w) for w in vocab["question_words"]}
        self._skip = {fold(w) for w in vocab["skip"]}
        self._other = {fold(w) for w in vocab["other"]}
        self._generic = {fold(w) for w in vocab["generic"]}
        self._own_genitives = {fold(w) for w in vocab.get("own_genitives", [])}
        self._foreign = tuple(fold(w) for w in vocab.get("foreign", []))
        self._joins = {fold(w) for w in vocab["joins"]}
        company = vocab.get("company") or {}
        self._company_names = re.compile(rf"\b(?:{_words(company['names'])})\b") if company.get("names") else None
        self._company_asker = _any(company["asker"]) if company.get("asker") else None
        self._first_person = {fold(w) for w in company.get("first_person", [])}
        self._owned_by = {fold(w) for w in company.get("owned_by", [])}
        fallback = vocab.get("fallback") or {}
        self._fallback_role = re.compile(_expand(fallback["role"], terms)) if fallback.get("role") else None
        self._fallback_blocked = _any(fallback.get("blocked_by") or []) if fallback.get("blocked_by") else None

    def know_programmes(self, names: set[str]) -> None:
        """The programmes' names, folded: no party (the role listed after one is the asker's), and a role in brackets
        after one is read as said ("EU4Health (koordinator, 950 000 euro)")."""
        self._programme_names = frozenset(names)

    def _role_after_a_programme(self) -> re.Pattern[str]:
        if self._role_after_programme is None:  # not at start-up: a large pattern, needed only for brackets
            names = "|".join(re.escape(n) for n in sorted(self._programme_names, key=len, reverse=True))
            self._role_after_programme = re.compile(rf"(?<![\w-])({names}) \(({self._roles})((?:, [^()]*)?)\)")
        return self._role_after_programme

    def read(self, text: str) -> OwnerReading:
        # A short aside in brackets is left out ("our department (environment) is coordinating"); a longer one is
        # read with the brackets as spaces, so the words around them meet. Whether the asker speaks for a company is
        # read before: "Vi på Malmö Live (helägt bolag) är huvudsökande".
        company_asker = bool(self._company_asker and self._company_asker.search(_BRACKETS.sub(" ", text)))
        text = _ONE_OF_THE_COMPANIES.sub("stadsbolaget", text)  # "söks av ett av stadens helägda bolag": a company
        # "Räddningstjänsten Syd, som är ett kommunalförbund, var koordinator": the organisation by its kind
        text = _NAMED_BY_KIND.sub(lambda m: f"{m['kind']}{'et' if m['kind'] != 'stiftelse' else 'n'} ", text)
        # a role in brackets after its holder is a statement: "grundskolenämnden (koordinator)", "Malmö stad (miljönämnden,
        # koordinator)", "Lunds universitet (partner)"
        if "(" in text:
            text = self._role_aside.sub(lambda m: f"{m[1]}{' ' + m[2] if m[2] else ''} ar {m[3]},", text)
            if self._programme_names:  # "AMIF (koordinator, 6 mkr)": the asker's role in it
                text = self._role_after_a_programme().sub(r"\1: \2\3,", text)
            # the same after the application itself: "vi har lämnat in ansökan (lead, 25 mkr)"
            text = self._role_after_the_application.sub(r"\1: \2\3,", text)
        text = _OWN_BODY_ASIDE.sub(r"\1", text)  # "our förvaltning (Upper Secondary and Adult Education) is …": which one
        text = _SPACE_BEFORE_STOP.sub(r"\1", _ASIDE.sub(" ", text))  # "vi leder (koord), …": "vi leder, …"
        text = _QUOTE.sub("", text)  # "vi ska vara 'main beneficiary'": quotes around a role are not words
        text = _BRACKETS.sub(" ", text).strip()
        text = _SHORTENED_PARTS.sub(r"\1", text)
        text = _JOINED_ENGLISH_NAME.sub(r"\1", text)
        # A relative clause between a subject and its verb, naming no role, is left out: "Kommunalförbundet, där Malmö
        # stad är medlem, avser att vara projektägare" (its subject is the förbund, not Malmö)
        text = _RELATIVE_ASIDE.sub(lambda m: m[0] if self._role_or_lead.search(m[0]) else " ", text)
        text = _INSTEAD.sub("istallet", text)  # "om förvaltningen i stället blir projektägare": one word the subject skips
        text = self._they_resolved(text)
        turn = last_course_change(self._course_change, text)
        # An owner left open before the asker changes course is no longer open: "owner not decided yet … Oh wait, it's been
        # decided: Region Skåne owns it"
        if any(p.search(text, turn) for p in self._ambiguous):
            return OwnerReading(None)
        read: list[tuple[int, int, _Statement]] = []
        asked: list[tuple[int, int]] = []
        for pattern, if_malmo, if_other, prefilter in self._rules:
            if prefilter is not None and not prefilter.search(text):
                continue
            for m in pattern.finditer(text):
                read.append((m.start(), m.end(), self._verdict(m, if_malmo, if_other, company_asker)))
                subject = m.groupdict().get("who") or m.groupdict().get("by")
                if subject and self._asks_who(subject.split()):
                    asked.append((m.start(), m.end()))
        # A role read without a subject inside a statement that names who has it is that statement's, not the asker's:
        # "… där Parkering Malmö deltar som partner" ("deltar som partner"), "the committee is the lead applicant"; inside
        # one that asks who has it, it is asked about ("vi har inte snackat om vem som står som ägare").
        named = asked + [(start, end) for start, end, s in read if s.names_holder]
        said = [s for start, end, s in read if s.verdict is not None
                and (s.names_holder or not any(a <= start < b for a, b in named))]
        verdicts = {s.verdict for s in said}
        if verdicts == {True, False} and (settled := _settled(text, said, turn)) is not None:
            return OwnerReading(settled)
        # Otherwise "not the owner" wins: "vi leder arbetspaket 3 men Lund är projektägare".
        if False in verdicts:
            return OwnerReading(False, company=any(s.company for s in said if s.verdict is False),
                                disputed=True in verdicts)
        if True in verdicts:
            return OwnerReading(True)
        if not said and any(self._company_opens_sentence(text, m.start()) for m in _APPLIES.finditer(text)):
            # "Malmö Stadsteater AB vill söka Creative Europe-pengar": a company applying, in whatever role, is not a
            # nämnd owning the project (4.1 is the nämnders' routine), so the routine's answer is the same either way.
            return OwnerReading(False, company=True)
        if not said and company_asker and _OUR_APPLICATION.search(text):
            # "Vi på bolaget … om vår LIFE-ansökan": the asker's company applies, in whatever role (4.1 is the nämnders')
            return OwnerReading(False, company=True)
        if not said and self._owner_role_alone(text):
            # "Malmö Live (helägt bolag), huvudsökande, Creative Europe": the asker's role, and the asker a company; or the
            # role in a sentence whose subject is a company ("Kommunalförbundet var koordinator för …")
            role = self._fallback_role.search(text) if self._fallback_role else None
            if company_asker or (role is not None and self._company_opens_sentence(text, role.start())):
                return OwnerReading(False, company=True)
            return OwnerReading(True)
        return OwnerReading(None)

    def _asks_who(self, subject: list[str]) -> bool:
        """Whether a subject's words ask who has the role ("vem som leder", "which of us"); not a relative pronoun after a
        preposition ("an application in which Malmö will be the lead partner")."""
        return any(word in self._asking and not _relative_after_preposition(subject, i) for i, word in enumerate(subject))

    def _they_resolved(self, text: str) -> str:
        """"De"/"they" as the subject, replaced by the body of the city or company it stands for when the sentence, or the
        one before it, opens with one ("Servicenämnden är inte ensam i projektet, men det är de som koordinerar"); in a
        cleft with no such body, by another party ("Lund är med, och det är de som leder")."""
        def cleft(m: re.Match[str]) -> str:
            return f"{m[1]} {m[2]} {self._antecedent(m.string, m.start('they')) or 'den andra parten'} {m[4]}"

        def opening(m: re.Match[str]) -> str:
            # (m.string: the text as the clefts left it, which the match's positions are in)
            body = self._antecedent(m.string, m.start("they"))
            return m[0] if body is None else m[0][:m.start("they") - m.start()] + body + " "

        return _THEY_OPENING.sub(opening, _THEY_CLEFT.sub(cleft, text))

    def _antecedent(self, text: str, at: int) -> str | None:
        """The body of the city or company that the sentence around `at` opens with, or else the sentence before it."""
        starts = [0, *(m.end() for m in _SENTENCE_BREAK.finditer(text, 0, at))]
        for start in (starts[-1], starts[-2] if len(starts) > 1 else None):
            if start is None or start >= at:
                continue
            head = _LABEL.sub("", text[start:at], count=1)
            if self._company_names and (found := self._company_names.match(head)):
                return found[0]
            found = _BODY_OPENING.match(head)
            if found and not self._first_person.intersection(found["body"].split()) \
                    and self._side(found["body"].split(), last=True) == "malmo":
                return found["body"]
        return None

    def _owner_role_alone(self, text: str) -> bool:
        """The owner's role named in a question that no pattern read, with nothing that could make it another's,
        a kind's or a question about the word ("ESF+-ansökan, huvudsökande Malmö, 9 mkr"): the asker's role."""
        if self._fallback_role is None or not self._fallback_role.search(text):
            return False
        return not (self._fallback_blocked and self._fallback_blocked.search(text))

    def _verdict(self, m: re.Match[str], if_malmo: bool, if_other: bool | None, company_asker: bool) -> _Statement:
        """What the match says of Malmö stad as the owner, and whether the owner it names is a company."""
        groups = m.groupdict()
        flips = sum(1 for name, value in groups.items() if name.startswith("neg") and value)
        who, by = groups.get("who"), groups.get("by")
        if who is not None and who.split()[0] in self._joins and who.split()[1:2] and who.split()[1] in _DENYING:
            # the subject reaches further back than the pattern's words: "det är Malmö universitet och inte vår
            # förvaltning som är huvudsökande" ({who} is only "och inte vår förvaltning")
            before = re.split(r"[.,;:!?]", m.string[max(0, m.start() - 60):m.start()])[-1].split()[-3:]
            who = " ".join([*before, who])
        if who is not None:
            who = _TRAILING_AUX.sub("", who)  # "Miljönämnden will act as …": the subject is the nämnd
            side = self._party(who, last=True)
        elif by is not None:
            side = self._party(by, last=False)
        elif (opener := self._company_opens_sentence(m.string, m.start())) is not None:
            if not opener:
                return _Statement(m.end(), None)  # "MKB står inte längre som sökande" says nothing of who does
            side = "company"  # "MKB vill söka EU-pengar som huvudsökande": the sentence's subject is a company
        elif self._another_opens_sentence(m.string, m.start(), m.end()):
            side = "other"  # "Region Skåne is preparing an ESF+ application as lead partner": the region's role
        else:
            side = "malmo"  # no subject: the asker speaks of their own project
        subject = (who or by or "").split()
        # (not when a part denied is joined to one affirmed, which `_party` read: "miljöförvaltningen och inte miljönämnden")
        joined_denial = len(subject) > 3 and subject[-3] in self._joins and subject[-2] in _DENYING
        if side == "malmo" and len(subject) > 1 and not joined_denial and (subject[-2] in _DENYING or (
                len(subject) > 2 and subject[-3] in _DENYING and subject[-2] in ("langre", "longer", "ens"))):
            flips += 1  # "är det inte längre Malmö som är lead partner": the denial stands inside the subject's words
        # What it was ("kulturnämnden va lead i höstas") counts unless what it is now is also said.
        superseded = _superseded(m.string, m.start(), m.end()) or bool(
            who is not None and groups.get("who") and _PAST_COPULA.match(m.string, m.end("who")))
        asker = not subject or bool(self._first_person.intersection(subject)) or (who is not None and subject[-1] in self._joins)
        if company_asker and ((side == "malmo" and asker) or (side == "other" and self._owned_by.intersection(subject))):
            side = "company"  # "vi" of someone speaking for a company; "(ett bolag där) staden äger 40 % ska vara lead"
        end = m.end()
        named = (who is not None or by is not None) and not asker and (
            side == "company" or (side == "malmo" and not superseded))
        if side is None or (side in ("other", "company") and flips % 2 and not asker):
            return _Statement(end, None, names_holder=named)  # "Lund leder inte projektet" says nothing of who does
        if side == "company":
            # A company as the owner is not a nämnd owning it (4.1 is the nämnders' routine). The asker's company as a
            # partner is not the owner either; another company as a partner says nothing of who is.
            if (not if_malmo and not asker) or (if_malmo and flips % 2):
                # "vi på MKB är INTE projektägare" says nothing of whether a nämnd is
                return _Statement(end, None, names_holder=named)
            owns = if_malmo != bool(flips % 2)
            return _Statement(end, False, company=owns, superseded=superseded, names_holder=named,
                              asker_a_partner=not if_malmo and not flips % 2)
        verdict = if_malmo if side == "malmo" else if_other
        if verdict is None:
            return _Statement(end, None, names_holder=named)
        if not if_malmo and flips % 2 and not _INSTEAD_OF_PARTNER.match(m.string, end):
            # "… sitter med i en referensgrupp men är inte partner": not a partner is not the owner either, unless the
            # owner's role follows ("vi är inte partner utan lead", "not a partner but the coordinator")
            return _Statement(end, None, names_holder=named)
        verdict = verdict != bool(flips % 2)
        return _Statement(end, verdict, asker_a_partner=not if_malmo and asker and not flips % 2,
                          malmo_named_owner=verdict and side == "malmo" and not asker and not superseded,
                          superseded=superseded, names_holder=named)

    def _company_opens_sentence(self, text: str, at: int) -> bool | None:
        """Whether the sentence in which a role without a subject is named opens with a company's name, after a
        label such as "Snabbfråga:" ("MKB vill söka … som huvudsökande", "Malmö Parkering, the city-owned parking
        company, wants to apply … as sole applicant"); "ett bolag" is a kind, not a party. False when it does but denies
        the role ("MKB står inte längre som sökande"), None when it does not."""
        if self._company_names is None:
            return None
        head = _CONDITION_AND_OWNER.sub("", _sentence_head(text, at), count=1)  # "Om vårt helägda bolag söker EU-medel …"
        found = self._company_names.match(head, _THE_KIND_OF.match(head).end())
        if found is None or _ANOTHER_SUBJECT.search(head, found.end()):
            return None  # "MKB tipsade om att vi kan söka …": the asker applies, not the company
        return not _DENIED.search(head, found.end())

    def _another_opens_sentence(self, text: str, at: int, end: int) -> bool:
        """Whether the sentence in which a role without a subject is named opens with an organisation that is not Malmö
        stad's (facts.yaml not_malmo: a region, a university, a foundation …) as the subject of its verb, and no other
        subject comes between ("Region Skåne is preparing an ESF+ application as lead partner"; not "Region Skåne är
        med, och vi söker som lead")."""
        head = _sentence_head(text, at).split()
        verb = next((i for i, word in enumerate(head[:6]) if word in _OPENING_VERBS), None)
        if not verb:
            return False
        subject = " ".join(head[:verb])
        between = " ".join(head[verb:]) + " " + text[at:end]  # up to the role, the statement's own words too
        return bool(self._not_malmo.search(subject)) and not (_ANOTHER_SUBJECT.search(between)
                                                              or _CITY_BODY.search(between))

    def _party(self, words: str, last: bool) -> str | None:
        """Who the words name; of "Lund och vi" Malmö counts, of "Region och Malmö" too."""
        parts: list[list[str]] = [[]]
        for token in words.split():
            if not token.strip("-"):
                parts = [[]]  # a dash between words starts a new statement: "som sökande - nu söker …"
            elif token in self._joins:
                parts.append([])
            else:
                parts[-1].append(token)
        if last and not parts[-1]:
            return "malmo"  # "vi söker och är projektägare": the subject left out is the asker's
        # A part denied is not who has the role: "när det är MKB och inte nämnden som är projektägare"
        said = [part for part in parts if part]
        affirmed = [part for part in said if part[0] not in _DENYING]
        if affirmed and len(affirmed) < len(said):
            parts = affirmed
        sides = [self._side(part, last) for part in parts if part]
        if "malmo" in sides:
            return "malmo"
        return sides[-1 if last else 0] if sides else None

    def _side(self, words: list[str], last: bool) -> str | None:
        """"malmo", "company", "other", or None when the words name no one (or only a kind: "en nämnd").

        `last`: the words stand before the verb, so their last word is the subject's head;
        otherwise they follow it ("leds av Region Skåne") and the first words count.
        """
        tokens = [t for t in words if t not in self._skip]
        if last and (relative := next((i for i in range(len(tokens) - 1, 0, -1)
                                       if _relative_after_preposition(tokens, i)), None)):
            tokens = tokens[relative + 1:]  # "an application in which Malmö will be …": the subject after the relative
        if last and len(tokens) > 1 and tokens[-1] == "som":
            tokens.pop()  # "tekniska nämnden som formellt står som projektägare": the subject before the relative "som"
        # "vem leder", "vilken stad leder": a question word next to the verb asks who it is
        if not tokens or self._asking.intersection(tokens[-2:] if last else tokens[:2]):
            return None
        if last and len(tokens) == 3 and tokens[-1] in _ARTICLES and tokens[-2] in _COPULAS and tokens[0] in ("we", "i"):
            return "malmo"  # "we are the lead": "we", not "the"
        text = " ".join(tokens)
        if text in self._programme_names:
            return "malmo"  # "EU4Health (koordinator, 950 000 euro)": a programme is no party; the role is the asker's
        if self._company_names and (found := self._company_names.search(text)):
            # "Malmö Live Konserthus AB", "vårt hamnbolag", "vi på MKB"; "ett bolag" is a kind, not a party
            before = text[:found.start()].split()
            return None if before and before[-1] in self._generic else "company"
        if last:
            # The words next to the verb decide: "en annan stad leder, vi är partner" is about "vi".
            found = self._malmo_last.search(text)
            if found and not self._not_malmo.search(text[found.start():]):
                before = text[:found.start()].split()
                if len(before) > 1 and before[-1] in _LOCATED_IN:
                    # "en friskola i Malmö", "ett företag i Malmö": who is in Malmö, not Malmö stad, unless it is itself
                    return self._side(before[:-1], last) or "other"
                if self._another_s(before, text[found.start():]):
                    return "other"
                return self._malmo_or_kind(before)
        kept = [t for t in tokens if t not in self._generic]
        if len(kept) == 2 and kept[0] in self._other and _CITY_BODY.fullmatch(kept[1]):
            return "malmo"  # "det är en annan nämnd som äger projektet": another of the city's nämnder is still the city
        if self._not_malmo.search(text) or self._other.intersection(tokens):
            return "other"
        if not last:
            while len(tokens) > 1 and tokens[-1] in _LOCATED_IN:
                tokens.pop()  # "koordineras av ett gymnasium i Roskilde": the place, cut off, is not "I"
            head: list[str] = []
            while len(tokens) > 1 and (tokens[0] in self._generic or tokens[0] == "the"):
                head.append(tokens.pop(0))
            if self._malmo_first.search(" ".join(tokens)):
                return self._malmo_or_kind(head)
            # An English name ends in what it is: "Applicant: city planning committee", "lead: the culture department".
            if found := self._malmo_last.search(" ".join(tokens)):
                named = " ".join(tokens)
                before = named[:found.start()].split()
                return "other" if self._another_s(before, named[found.start():]) else self._malmo_or_kind(before)
        head = tokens[-1] if last else tokens[0]
        return None if head in self._no_actor or head[0].isdigit() else "other"

    def _another_s(self, before: list[str], body: str) -> bool:
        """Whether the word before a body's name is another's genitive: "Köpenhamns miljöförvaltning", "Copenhagen's
        environment department" (in English only with an apostrophe: "social services committee" is a plural)."""
        if not before:
            return False
        if _ENGLISH_BODY.search(body):
            genitive = next((w for w in reversed(before[-2:]) if w.endswith("'s")), None)
        else:
            genitive = before[-1] if before[-1].endswith("s") else None
        if genitive is None or len(genitive) <= 3 or genitive in self._programme_names:
            return False  # "ansökan e erasmus vi koordinerar": a programme's name ending in "s" is no genitive
        return not ({genitive, " ".join(before[-2:])} & self._own_genitives) and not self._malmo_first.search(genitive)

    def _malmo_or_kind(self, before: list[str]) -> str | None:
        """Malmö, unless only a kind is meant ("en nämnd", "a committee") or another country's ("den danska kommunen")."""
        if before and before[-1].startswith(self._foreign):
            return "other"
        return None if before and before[-1] in self._generic else "malmo"


class RateReader:
    """The EUR/SEK rate a question asks to use, and where it was said (not an amount, not a section)."""

    def __init__(self, vocab: dict[str, Any], amounts: AmountReader) -> None:
        terms = {name: str(p) for name, p in vocab["terms"].items()}
        self._patterns = [re.compile(_expand(p, terms)) for p in vocab["patterns"]]
        low, high = vocab["plausible"]
        self._plausible = (Decimal(str(low)), Decimal(str(high)))
        self._amounts = amounts

    def read(self, text: str) -> tuple[Decimal | None, list[tuple[int, int]]]:
        """The first plausible rate, and the spans of every rate phrase."""
        found: list[tuple[int, int, Decimal]] = []
        for pattern in self._patterns:
            for m in pattern.finditer(text):
                # "räkna med 12 miljoner" is an amount, not a rate.
                if self._amounts.multiplier_at(text, m.end("rate")):
                    continue
                value = Decimal(m["rate"].replace(",", "."))
                if self._plausible[0] <= value <= self._plausible[1]:
                    found.append((m.start(), m.end(), value))
        found.sort()
        return (found[0][2] if found else None), [(start, end) for start, end, _ in found]


class FactReader:
    def __init__(self, vocab: dict[str, Any], programmes: Programmes, section_ids: set[str]) -> None:
        self.amounts = AmountReader(vocab["amounts"])
        # Line breaks, bullets and " / " between facts first, then the contractions: both are written out before reading.
        self._rewrites = [(re.compile(p), r) for p, r in [*vocab.get("separators", []), *vocab.get("contractions", [])]]
        # where the asker changes course while typing: what follows is what she means now
        self.course_change = re.compile("|".join(f"(?:{p})" for p in vocab["course_change"])) \
            if vocab.get("course_change") else None
        self.owner = OwnerReader(vocab["project_owner"], self.course_change)
        amounts_vocab = vocab["amounts"]
        self._per_year = _any(amounts_vocab.get("per_year", []))
        self._per_year_before = _any(amounts_vocab.get("per_year_before", []))
        self._years = [re.compile(p) for p in amounts_vocab.get("years", [])]
        self._years_before = [re.compile(p) for p in amounts_vocab.get("years_before", [])]
        self._grant = _any(amounts_vocab.get("grant_part", []))
        self._added = _any(amounts_vocab.get("added_before", [])) if amounts_vocab.get("added_before") else None
        self._changed_to = _any(amounts_vocab.get("changed_to_before", [])) if amounts_vocab.get("changed_to_before") else None
        self._uncertain = _any(amounts_vocab.get("uncertain", [])) if amounts_vocab.get("uncertain") else None
        self._hypothetical = re.compile("(?:" + "|".join(amounts_vocab.get("hypothetical_before", [])) + r") ?$") \
            if amounts_vocab.get("hypothetical_before") else None
        self._period = [re.compile(p) for p in amounts_vocab.get("period", [])]
        self._eu_rate = [re.compile(p) for p in amounts_vocab.get("eu_rate", [])]
        self._each_after = _any(amounts_vocab.get("each_after", []))
        self._each_before = _any(amounts_vocab.get("each_before", [])) if amounts_vocab.get("each_before") else None
        self._partners_counted = [re.compile(p) for p in amounts_vocab.get("partners_counted", [])]
        self._share_before = [re.compile(p) for p in amounts_vocab.get("share_before", [])]
        self._share_after = [re.compile(p) for p in amounts_vocab.get("share_after", [])]
        self._no_partners = _any(amounts_vocab.get("no_partners", []))
        self._corrected_between = [re.compile(p) for p in amounts_vocab.get("corrected_between", [])]
        self._denied_before = _any(amounts_vocab.get("denied_before", [])) if amounts_vocab.get("denied_before") else None
        self._size_asked = {size: _any(patterns) for size, patterns in amounts_vocab.get("size_asked", {}).items()}
        self._budgets_listed = _any(amounts_vocab.get("budgets_listed", []))
        self._cofinancing = _any(amounts_vocab.get("cofinancing_part", []))
        self._partners_part = _any(amounts_vocab.get("partners_part", []))
        self._parts_of_the_total = {kind: _any(patterns)
                                    for kind, patterns in (amounts_vocab.get("parts_of_the_total") or {}).items()}
        self.rate = RateReader(vocab["eur_sek_rate"], self.amounts)
        eu = vocab["eu_funding"]
        self._not_eu = _any(eu["not_eu"])
        self._other_funders = _any(eu["other_funders"])
        self._eu_words = _any(eu["eu_words"])
        self._funding_words = _any(eu["funding_words"])
        self._eu_as_the_rules = _any(eu.get("eu_as_the_rules", []))
        self._routine_acts = _any(eu.get("routine_acts", []))
        self._funder_named = _any(eu.get("funder_named", []))
        # Each alias as its pattern, the literal text it must contain (looked for first, with `in`), whether it is
        # case-sensitive, the programme's name and whether it is EU money.
        self._programmes: list[tuple[re.Pattern[str], str, bool, str, bool]] = []
        tails = "|".join(re.escape(fold(t)) for t in programmes.compound_tails)
        for programme in programmes.question_programmes:
            sensitive = programme.case_sensitive
            for alias in sorted(programme.names, key=len, reverse=True):
                text = alias if sensitive else fold(alias)
                pattern = re.compile(rf"(?<![\w]){re.escape(text)}(?:(?![\w])|(?=(?:{tails})\b))")
                self._programmes.append((pattern, text, sensitive, programme.name, programme.eu))
        # a programme's name is no party: "EU4Health (koordinator, …)" is the asker's role in it
        self.owner.know_programmes({literal for _, literal, sensitive, _, _ in self._programmes if not sensitive})
        submission = vocab["submission_date"]
        self._submission_cue = _any([rf"\b{re.escape(fold(c))}" for c in submission["cues"]])
        self.months = {fold(k): v for k, v in submission["months"].items()}
        month = "|".join(sorted(self.months, key=len, reverse=True))
        self._dates = [
            ("ymd", re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")),
            ("dmy", re.compile(rf"\b(\d{{1,2}}) ({month})\.?(?: (\d{{4}}))?\b")),
            ("mdy", re.compile(rf"\b({month})\.? (\d{{1,2}})(?:st|nd|rd|th)?,?(?: (\d{{4}}))?\b")),
        ]
        self.section_ids = section_ids
        words = "|".join(re.escape(fold(w)) for w in vocab["section_reference"]["words"])
        self._section_named = re.compile(rf"(?:{words}) ?(\d+(?:\.\d+)*[a-c]?)\b")
        self._section_bare = re.compile(r"(?<![\w.,])(\d+\.\d+(?:\.\d+)?)(?![\w]|[.,]\d)")

    def read(self, question: str, threshold: Decimal, today: date) -> Extraction:
        text = fold(clean(question))
        for pattern, replacement in self._rewrites:
            text = pattern.sub(replacement, text)
        rate, rate_spans = self.rate.read(text)
        # The rate's digits are neither an amount nor a section: blank them out for those readers.
        rest = text
        for start, end in rate_spans:
            rest = rest[:start] + " " * (end - start) + rest[end:]
        reading = self.owner.read(text)
        owner = reading.owner
        programme, programme_is_eu = self._programme(question, text)
        amounts, foreign = self.amounts.read_noting_foreign(rest, threshold,
                                                            about_a_project=owner is not None or programme is not None)
        asked = self._asked_project(question, text, amounts)
        if asked is None and reading.disputed and self._several_projects(question, text):
            # Several projects described, Malmö the owner of one and not of another, and no telling which is asked
            # about: whether Malmö owns "the" project is not known (the answer asks), rather than "not the owner".
            reading = OwnerReading(None)
            owner = None
        if asked is not None:
            # Two projects described, one asked about: its programme, its figures and Malmö's role in it are the facts.
            programme, programme_is_eu, amounts = asked.programme, bool(asked.eu), asked.figures
            reading = asked.owner
            owner = reading.owner
        rate_of_costs = self._eu_rate_of_costs(rest)
        if foreign:
            # "9 millioner kroner, och det är ju under 12 miljoner": the asker's comparison of a budget in another
            # currency is no fact about it (the budget is asked for in kronor or euro).
            amounts = [a for a in amounts if not (a.value == threshold and a.bound != "exact" and a.currency != "EUR")]
        if rate_of_costs is not None:
            # The grant and the EU's rate give the total: a bound at the threshold beside them is the asker's comparison.
            amounts = _threshold_compared(amounts, threshold)
        amounts = self._without_hypothetical(rest, amounts)
        amounts = self._as_changed(rest, amounts, threshold)
        amounts = self._corrected(rest, amounts)
        amounts = self._changed_course(rest, amounts)
        amounts = _range_low_end(rest, amounts)
        shares: dict[tuple[int, int], tuple[Decimal, str | None, Decimal]] = {}
        amounts = [self._as_share_of_total(rest, a, amounts, shares) for a in amounts]
        amounts = self._by_size_asked(rest, amounts)
        budget, is_part = _budget(amounts)
        summed = self._parts_summed(rest, amounts) if budget is not None else None
        if summed is not None:
            budget, is_part = summed[0], False
        else:
            budget, is_part = self._whole_budget(rest, amounts, budget, is_part)
        if budget is not None and not is_part:
            budget = _range_floor(rest, budget, threshold)
        grant_only = self._grant_only(rest, amounts, budget, is_part)
        if grant_only is not None and rate_of_costs is not None:
            # "EU-bidrag 1,2 M€, 60 % av kostnaderna": the total is the grant over the EU's share of it.
            budget = replace(grant_only, value=(grant_only.value * 100 / rate_of_costs).quantize(Decimal(1)),
                             kind="total")
            grant_only, is_part = None, False
        elif (own := self._own_part_only(rest, amounts, budget, is_part)) is not None and rate_of_costs is not None \
                and rate_of_costs < 100:
            # "EU finansierar 50 %, vi har en egen insats på 5,5 mkr": the rest of the costs is the co-financing, of which
            # Malmö's own is all when no partner shares it, else a part (the total is then at least this).
            bound = "exact" if self._no_partners.search(rest) else "at_least"
            budget = replace(own, value=(own.value * 100 / (100 - rate_of_costs)).quantize(Decimal(1)), kind="total",
                             bound=bound)
            shares[(own.start, own.end)] = (own.value, own.currency, 100 - rate_of_costs)
            is_part = False
        elif budget is not None and (partners := self._partners_each(rest, budget)) is not None:
            # (each partner's figure, whether it is given as what they get or what they spend)
            # "sex partner med ca 2,5 mkr vardera": the total is their number times it, plus Malmö's own share when it
            # is given beside it ("Malmös del är 7,5 MSEK och tre partner har 2,5 MSEK var").
            own = [a for a in amounts if a.kind == "part" and a.bound == "exact" and a.start < budget.start
                   and not self._grant.search(_around(rest, a, amounts))]
            share = own[0].value if len(own) == 1 and own[0].currency in (None, budget.currency) else Decimal(0)
            budget = replace(budget, value=budget.value * partners + share, kind="total")
        eu_funding = self._eu_funding(text, programme, programme_is_eu)
        if asked is not None and not self._not_eu.search(text):
            eu_funding = bool(asked.eu)  # the project asked about: its programme's money, or another funder's (None)
        eu_assumed = (eu_funding is None and owner is True and bool(self._routine_acts.search(text))
                      and not self._funder_named.search(text))
        facts = ProjectFacts(
            malmo_is_project_owner=owner,
            owner_is_company=reading.company,
            eu_funding=True if eu_assumed else eu_funding,
            total_budget=budget.value if budget else None,
            currency=budget.currency if budget else None,
            budget_bound=("at_least" if is_part and budget.bound == "exact" else budget.bound) if budget else "exact",
            programme=programme,
            submission_date=self._submission_date(text, today),
        )
        # An amount's digits are not a section number either: "3.2 million euros" is not section 3.2.
        for a in amounts:
            rest = rest[:a.start] + " " * (a.end - a.start) + rest[a.end:]
        from_share = shares.get((budget.start, budget.end)) if budget is not None and budget.kind == "total" else None
        from_parts = (tuple(a.value for a in summed[1]), budget.currency, summed[2]) \
            if summed is not None and summed[0].bound == "exact" and budget is not None and budget.kind == "total" \
            and budget.value == summed[0].value else None  # (a year's parts without the years: no sum to show)
        return Extraction(facts, amounts, is_part, self._sections(rest), rate, eu_assumed, grant_only, from_share,
                          from_parts)

    def _without_hypothetical(self, text: str, amounts: list[Amount]) -> list[Amount]:
        """The amounts of the situation asked about, when the question gives the project's figure and one supposed: the
        project's own ("Skulle det ändra något om omslutningen var 13 mkr? Just nu är den 9 – vad gäller då?"), unless the
        last question asks about the one supposed ("… budget 11,9 miljoner … Om den blir 13, behövs informationsärende då?",
        "Om budgeten vore 13 mkr, behövs det då?")."""
        if self._hypothetical is None:
            return amounts
        facts = [a for a in amounts if a.kind != "threshold"]
        supposed = [a for a in facts if self._hypothetical.search(_CLAUSE_START.split(text[max(0, a.start - 60):a.start])[-1])]
        given = [a for a in facts if a not in supposed]
        asking = _last_question(text)
        if asking is not None and given:
            begin, end = asking
            if (recalled := self._recalled(text, begin, end, given)) is not None:
                # "Om den blir 13": the figure said before is the one supposed, and asked about
                return [a for a in amounts if a is recalled or a not in facts]
            if any(begin <= a.start < end for a in supposed) and not any(begin <= a.start < end for a in given):
                return [a for a in amounts if a not in given]
        return [a for a in amounts if a not in supposed] if supposed and given else amounts

    def _recalled(self, text: str, begin: int, end: int, amounts: list[Amount]) -> Amount | None:
        """A figure the question supposes by its number alone ("Om den blir 13, behövs …?"), when an amount said before
        has that number: that amount."""
        m = _SUPPOSED_NUMBER.search(text, begin, end)
        if m is None or any(begin <= a.start < end for a in amounts):
            return None
        said = {a.start: _NUMBER.match(text, a.start) for a in amounts}
        same = [a for a in amounts if (n := said[a.start]) is not None and n[0].replace(",", ".") == m["n"].replace(",", ".")]
        return same[0] if len(same) == 1 else None

    def _as_changed(self, text: str, amounts: list[Amount], threshold: Decimal) -> list[Amount]:
        """The budget as it is now, where the question tells of a change: "the budget cut from 14 MSEK to 10 MSEK",
        "kostnadsramen har nu räknats upp till 16 miljoner" (not "upp till" as a bound), "grown to €1.3m". The new figure
        is the budget and the one it replaces goes. A change only expected ("den kanske växer till 13 miljoner") leaves the
        budget between the two: when they lie on each side of the threshold, it is only known to be at least the lower."""
        if self._changed_to is None:
            return amounts
        facts = [a for a in amounts if a.kind != "threshold" and a.kind != "part"]
        for new in facts:
            clause = _CLAUSE_START.split(text[max(0, new.start - 70):new.start])[-1]
            if not self._changed_to.search(clause):
                continue
            old = [a for a in facts if a.end <= new.start and a.currency in (None, new.currency)]
            now = replace(new, bound="exact", kind="total")
            if self._uncertain is not None and self._uncertain.search(clause):
                if not old:
                    return amounts
                before = old[-1]
                low, high = sorted((before.value, new.value))
                if low < threshold <= high:
                    now = replace(now, value=low, bound="at_least")
                else:
                    now = replace(before, kind="total")
            return [now if a is new else a for a in amounts if a not in old]
        return amounts

    def _corrected(self, text: str, amounts: list[Amount]) -> list[Amount]:
        """Without a figure the asker takes back: "inte 12 mkr utan 11,5 mkr", "12, nej 11,5 mkr" (the one after stays)."""
        facts = [a for a in amounts if a.kind != "threshold"]
        taken_back = []
        for first, second in zip(facts, facts[1:]):
            between = text[first.end:second.start]
            if len(between) > 40 or not any(p.match(text, first.end) for p in self._corrected_between):
                continue
            if between.lstrip(" ,;:–-").startswith(("utan", "but")) and not (
                    self._denied_before and self._denied_before.search(text, max(0, first.start - 20), first.start)):
                continue  # "utan" after a figure not denied is no correction ("12 mkr utan moms")
            taken_back.append(first)
        return [a for a in amounts if a not in taken_back]

    def _changed_course(self, text: str, amounts: list[Amount]) -> list[Amount]:
        """Without the budgets said before the asker changes course when she says one after: "total 180 000 euro. Oj, det
        ska vara 1 800 000 euro", "total 500 000 euro. Vänta, … så totalen är nu 1,3 MEUR"."""
        turn = last_course_change(self.course_change, text)
        budgets = [a for a in amounts if a.kind in ("total", "unmarked")]
        if not turn or not any(a.start >= turn for a in budgets):
            return amounts
        return [a for a in amounts if not (a in budgets and a.end <= turn)]

    def _whole_budget(self, text: str, amounts: list[Amount], budget: Amount | None, is_part: bool
                      ) -> tuple[Amount | None, bool]:
        """The total budget where the question gives it in parts: a yearly amount (times the project's years, when
        they are said), or the grant and the own co-financing, which together make the total."""
        if budget is None:
            return None, is_part
        if (listed := self._listed_budgets(text, amounts)) is not None:
            return listed, False
        if (grown := self._added_to(text, amounts)) is not None:
            return grown, False
        if (together := self._own_and_partners(text, amounts)) is not None:
            return together, False
        if self._a_year(text, budget):
            # A total stated beside it wins: "kostar 4 mkr per år, totalt 14 mkr".
            stated = [a for a in amounts if a.kind in ("total", "unmarked") and not self._a_year(text, a)]
            if stated:
                return stated[0], False
            years = self._years_said_before(text, budget) or self._project_years(text, budget)
            if years is None:
                # The total is at least a year's amount; "under 5 mkr per år" says nothing of it.
                return (replace(budget, bound="at_least"), is_part) if budget.bound == "exact" else (None, False)
            if is_part:  # a share or a grant a year: the total is at least that over the years
                return replace(budget, value=budget.value * years, bound="at_least"), True
            return replace(budget, value=budget.value * years, kind="total"), False
        if is_part:
            parts = [a for a in amounts if a.kind == "part" and a.bound == "exact"]
            own = [a for a in parts if self._cofinancing.search(_around(text, a, amounts))]
            # The co-financing's words are the more telling: "5 mkr egen insats ur Interreg" is the own part.
            grants = [a for a in parts if a not in own and self._grant.search(_around(text, a, amounts))]
            # An amount without a currency is in the other's: "EU-bidraget är 7 miljoner kronor och vår egen
            # medfinansiering 5,5 miljoner".
            currencies = {a.currency for a in (*grants, *own) if a.currency is not None}
            if (len(parts) == 2 and len(grants) == 1 and len(own) == 1 and grants[0] is not own[0]
                    and len(currencies) <= 1):
                currency = next(iter(currencies), None)
                return replace(grants[0], value=grants[0].value + own[0].value, kind="total", currency=currency), False
        return budget, is_part

    def names_routine_acts(self, folded: str) -> bool:
        """Whether the question names what 4.1's routine asks (an informationsärende, informing KS förvaltning)."""
        return bool(self._routine_acts.search(folded))

    def _parts_summed(self, text: str, amounts: list[Amount]) -> tuple[Amount, list[Amount], Decimal | None] | None:
        """The total where the question tells the budget in its parts, each named beside its figure, the EU's and another
        ("EU 720 k€, egen 300 k€, partnern Köpenhamns kommun 80 k€"), and gives no total: their sum (times the years when
        every part is a year's, "2,1 MSEK/år från ESF+, 0,9 MSEK/år egen medfinansiering … i tre år"), with the parts
        and the years."""
        figures = [a for a in amounts if a.kind != "threshold"]
        if len(figures) < 2 or not self._parts_of_the_total or any(a.bound != "exact" for a in figures):
            return None
        kinds = []
        for a in figures:
            said = _around(text, a, figures, before=40, after=30, separator=_PARTS_SEPARATOR)
            named = [kind for kind, pattern in self._parts_of_the_total.items() if pattern.search(said)]
            if len(named) != 1:
                return None  # a figure that is no one part (or a total, or unclear) leaves the total untold
            kinds.append(named[0])
        currencies = {a.currency for a in figures if a.currency is not None}
        if "grant" not in kinds or len(set(kinds)) < 2 or len(currencies) > 1:
            return None
        yearly = [self._a_year(text, a) for a in figures]
        total = sum((a.value for a in figures), Decimal(0))
        bound = "exact"
        years = None
        if any(yearly):
            if not all(yearly):
                return None
            years = self._years_said_before(text, figures[0]) or self._project_years(text, figures[0])
            if years is None and (said := self._years[0].search(text, 0, figures[0].start)) is not None:
                years = self._years_of(said["n"])  # "ett ESF+-projekt i tre år: 2,1 MSEK/år från ESF+, …"
            if years is None:
                bound = "at_least"
            else:
                total *= years
        currency = next(iter(currencies), None)
        return replace(figures[0], value=total, kind="total", bound=bound, currency=currency), figures, years

    def _listed_budgets(self, text: str, amounts: list[Amount]) -> Amount | None:
        """The total where the question lists every partner's budget and no total ("Partnerbudgetar: Malmö 4,2 mkr,
        Köpenhamn 3,9 mkr, Lund 2,6 mkr"): the amounts after the list's heading, added, when they are in one currency."""
        heading = self._budgets_listed.search(text)
        if heading is None:
            return None
        listed = [a for a in amounts if a.start > heading.end() and a.kind != "threshold" and a.bound == "exact"]
        # A total stated besides wins ("…, Tartu 4 mkr, totalt 13 mkr"); the first figure right after the heading is
        # read as the budget by the heading's own word, which is no total.
        stated = [a for a in amounts if a.kind == "total" and (a.start < heading.start() or a in listed[1:])]
        if len(listed) < 2 or stated or self._a_year(text, listed[0]):
            return None
        currencies = {a.currency for a in listed if a.currency is not None}
        if len(currencies) > 1:
            return None
        return replace(listed[0], value=sum((a.value for a in listed), Decimal(0)), kind="total",
                       currency=next(iter(currencies), None), end=listed[-1].end)

    def _added_to(self, text: str, amounts: list[Amount]) -> Amount | None:
        """The budget with what is added to it after it ("Grundbudgeten är 11 miljoner och vi lägger till en aktivitet för
        1,5 miljoner", "the budget is €900k and we're adding another €150k"): the sum, when the additions are in its
        currency. The budget is the last figure given before the first addition."""
        if self._added is None:
            return None
        figures = [a for a in amounts if a.kind != "threshold" and a.bound == "exact"]
        added = [a for i, a in enumerate(figures) if i and self._added.search(text[max(figures[i - 1].end, a.start - 60):a.start])
                 and not _SENTENCE_BREAK.search(text, figures[i - 1].end - 1, a.start)]  # "10 mkr." ends on its dot
        if not added:
            return None
        before = [a for a in figures if a.end <= added[0].start and a.kind in ("total", "unmarked")
                  and not _SENTENCE_BREAK.search(text, a.end - 1, added[0].start)]
        if not before:
            return None
        budget = before[-1]
        if any(a.currency not in (None, budget.currency) for a in added):
            return None
        return replace(budget, value=budget.value + sum((a.value for a in added), Decimal(0)), kind="total",
                       end=added[-1].end)

    def _own_and_partners(self, text: str, amounts: list[Amount]) -> Amount | None:
        """The total where the question gives Malmö's share and the partners' ("Malmös del är 11 miljoner och våra två
        partners har tillsammans 3 miljoner"), and no total: the two added."""
        exact = [a for a in amounts if a.kind != "threshold" and a.bound == "exact"]
        if any(a.kind == "total" for a in exact) or len(exact) != 2:
            return None
        partners = [a for a in exact if self._partners_part.search(_around(text, a, amounts))]
        own = [a for a in exact if a.kind == "part" and a not in partners]
        if len(partners) != 1 or len(own) != 1 or self._grant.search(_around(text, own[0], amounts)):
            return None
        if None not in (own[0].currency, partners[0].currency) and own[0].currency != partners[0].currency:
            return None
        return replace(own[0], value=own[0].value + partners[0].value, kind="total",
                       currency=own[0].currency or partners[0].currency)

    def _only_part(self, text: str, amounts: list[Amount], budget: Amount | None, is_part: bool) -> Amount | None:
        """The budget figure, when it is a part and the one amount the question gives (not a year's)."""
        if budget is None or not is_part or budget.bound != "exact":
            return None
        facts = [a for a in amounts if a.kind != "threshold"]
        return None if len(facts) != 1 or facts[0] is not budget or self._a_year(text, budget) else budget

    def _grant_only(self, text: str, amounts: list[Amount], budget: Amount | None, is_part: bool) -> Amount | None:
        """The grant applied for, when it is the one amount the question gives ("a LIFE grant of €400,000")."""
        part = self._only_part(text, amounts, budget, is_part)
        return part if part is not None and self._grant.search(_around(text, part, amounts)) else None

    def _as_share_of_total(self, text: str, amount: Amount, amounts: list[Amount],
                           shares: dict[tuple[int, int], tuple[Decimal, str | None, Decimal]]) -> Amount:
        """The project's total when `amount` is said to be a share of it, the per cent right beside it ("EU betalar 80
        procent, alltså 10 mkr", "9 mkr (60 % av budgeten)"), noted in `shares` (the answer says how it was worked out);
        else the amount as read. A figure named the total stays, unless the total word is the share's own ("täcker 60 % av
        totalbudgeten, vilket blir 7,2 mkr", "3 mkr, vilket motsvarar 25 % av den totala budgeten")."""
        if amount.kind not in ("part", "unmarked", "total") or amount.bound != "exact":
            return amount
        start = max([0, amount.start - 80] + [a.end for a in amounts if a.end <= amount.start])
        before, after = text[start:amount.start], text[amount.end:amount.end + 60]
        for m in [*(p.search(before) for p in self._share_before), *(p.match(after) for p in self._share_after)]:
            if m is not None and amount.kind == "total" and not self._total_a_share(m, before, amounts):
                continue
            if m is not None and 5 <= (rate := Decimal(m["rate"].replace(",", "."))) <= 95:
                shares[(amount.start, amount.end)] = (amount.value, amount.currency, rate)
                return replace(amount, value=(amount.value * 100 / rate).quantize(Decimal(1)), kind="total")
        return amount

    @staticmethod
    def _total_a_share(m: re.Match[str], before: str, amounts: list[Amount]) -> bool:
        """Whether a figure read as the total is the share `m` says it is: when the share is of the total itself and the
        total was not named before the figure ("täcker 60 % av totalbudgeten, vilket blir 7,2 mkr"), or when it is the only
        figure and neither the total nor the budget was named before it ("vår egen insats motsvarar 25 procent och uppgår
        till 3,2 miljoner"); not "totalbudgeten är 10 mkr, 60 % av kostnaderna från EU"."""
        outside = before[:m.start()] if m.string is before else before
        if _OF_THE_TOTAL.search(m[0]):
            return not _TOTAL_NAMED.search(outside)
        return len([a for a in amounts if a.kind != "threshold"]) == 1 and not _TOTAL_OR_BUDGET_NAMED.search(outside)

    def _by_size_asked(self, text: str, amounts: list[Amount]) -> list[Amount]:
        """The budget of the project the last question picks by its size ("för den mindre av de två"), of two or more
        given in one currency; else the amounts as read."""
        asking = _last_question(text)
        if asking is None or not self._size_asked:
            return amounts
        begin, end = asking
        size = next((size for size, pattern in self._size_asked.items() if pattern.search(text, begin, end)), None)
        budgets = [a for a in amounts if a.kind in ("total", "unmarked") and a.bound == "exact" and a.start < begin]
        if size is None or len(budgets) < 2 or len({a.currency for a in budgets}) > 1:
            return amounts
        chosen = (min if size == "smaller" else max)(budgets, key=lambda a: a.value)
        return [a for a in amounts if a is chosen or a not in budgets]

    def _own_part_only(self, text: str, amounts: list[Amount], budget: Amount | None, is_part: bool) -> Amount | None:
        """The own co-financing, when it is the one amount the question gives ("vi har en egen insats på 5,5 mkr")."""
        if (part := self._only_part(text, amounts, budget, is_part)) is None:
            return None
        around = _around(text, part, amounts)
        return part if self._cofinancing.search(around) and not self._grant.search(around) else None

    def _eu_rate_of_costs(self, text: str) -> Decimal | None:
        """The EU's share of the project's costs, in per cent, when the question says it (a plausible one only)."""
        for pattern in self._eu_rate:
            if (m := pattern.search(text)) is not None:
                rate = Decimal(m["rate"].replace(",", "."))
                return rate if 10 <= rate <= 100 else None
        return None

    def _partners_each(self, text: str, amount: Amount) -> Decimal | None:
        """The number of partners an amount is each one's ("2,5 mkr vardera" with "sex partner"), or None."""
        if not self._each_after.search(text[amount.end:amount.end + 20]) and not (
                self._each_before and self._each_before.search(text, max(0, amount.start - 25), amount.start)):
            return None
        for pattern in self._partners_counted:
            for m in pattern.finditer(text):
                if (value := self._count(m["n"])) is not None and 1 < value <= 50:
                    return value
        return None

    def _count(self, n: str) -> Decimal | None:
        """A count written in digits or as a number word ("6", "sex"), or None."""
        return Decimal(n) if n.isdigit() else self.amounts.number_words.get(n)

    def _a_year(self, text: str, amount: Amount) -> bool:
        return (bool(self._per_year.search(text[amount.end:amount.end + 20]))
                or bool(self._per_year_before.search(text[max(0, amount.start - 30):amount.start]))
                or self._years_said_before(text, amount) is not None)

    def _years_said_before(self, text: str, amount: Amount) -> Decimal | None:
        """The years of "3 år à 4,5 mkr": a number of years just before the amount, which is then a year's."""
        before = text[max(0, amount.start - 20):amount.start]
        for pattern in self._years_before:
            if (m := pattern.search(before)) and (years := self._years_of(m["n"])) is not None:
                return years
        return None

    def _project_years(self, text: str, budget: Amount) -> Decimal | None:
        """The project's length in years: said in the sentence of the yearly amount after it ("… per år i fem år"),
        or of the project anywhere ("ett treårigt projekt"); a duration about something else does not count."""
        sentence_end = re.search(r"[.!?;]", text[budget.end:])
        after = text[budget.end:budget.end + (sentence_end.start() if sentence_end else len(text))]
        for pattern, where in zip(self._years, (after, text, text, text, text)):
            for m in pattern.finditer(where):
                if (years := self._years_of(m["n"])) is not None:
                    return years
        for pattern in self._period:  # "projektperiod 2025–2027": both years counted
            for m in pattern.finditer(text):
                years = Decimal(int(m["last"]) - int(m["first"]) + 1)
                if 1 < years <= 10:
                    return years
        return None

    def _years_of(self, n: str) -> Decimal | None:
        """A project's number of years, in digits or a number word; a figure no project runs for is none."""
        value = self._count(n)
        return value if value is not None and 1 < value <= 10 else None

    def _programme(self, question: str, text: str) -> tuple[str | None, bool]:
        for pattern, literal, sensitive, name, is_eu in self._programmes:
            where = question if sensitive else text
            if literal in where and any(not _replaced(where, m.start(), sensitive) for m in pattern.finditer(where)):
                return name, is_eu
        return None, False

    def _asked_project(self, question: str, text: str, amounts: list[Amount]) -> _AskedProject | None:
        """Where a message describes projects of two or more programmes or funders and asks about one of them ("… ESF+
        på 9 mkr … partner i ett Interreg-projekt på 40 mkr … Vad gäller för ESF+-ansökan?", "interreg -> behövs
        infoärende?"): that project's programme, its figures and Malmö's role in it. The message is cut into the
        parts each project is described in (at sentences, ";", "dels", "och", "men", "plus", "->"); a part that names none
        goes with the one before. The project asked about is the one the question's sentences name, the last one first."""
        mentions = self._project_mentions(question, text)
        if len({name for _, _, name, _ in mentions}) < 2:
            return None
        asked = self._named_in_question(text, mentions)
        if asked is None and not _ONE_PROJECT.search(text):
            asked = _the_one_eu_project(mentions)
        if asked is None:
            return None
        name, is_eu = asked
        spans: list[tuple[int, int]] = []  # where the project asked about is described
        preamble: list[tuple[int, int]] = []  # what is said before any project is named goes for all of them
        owner_of: str | None = None
        for start, end in _parts(text):
            named = {n for m_start, _, n, _ in mentions if start <= m_start < end}
            items = {n for n in named if n.startswith(_ITEM)}
            if items:  # a listed item's part: its label says whose it is, whatever programme it names, unless the
                # question names the programme and not the label ("1) ett ESF+-projekt … Vad gäller för ESF+?")
                owner_of = name if items == {name} or (not name.startswith(_ITEM) and name in named) else ""
            elif named and name.startswith(_ITEM + "#") and owner_of is None:
                pass  # before the first item, the programme named is every item's ("två ansökningar till EU4Health: …")
            elif named:
                owner_of = name if named == {name} else ""
            if owner_of is None:
                preamble.append((start, end))
            elif owner_of == name:
                spans.append((start, end))
        if not spans:
            return None
        figures = [a for a in amounts if any(start <= a.start < end for start, end in spans)]
        # a part that begins with its verb has the asker as its subject ("… och är dessutom partner i en Interreg-ansökan")
        described = ". ".join(("vi " if _SUBJECT_LEFT_OUT.match(text, start) else "") + text[start:end]
                              for start, end in [*preamble, *spans])
        reading = self.owner.read(described)
        if not figures and reading.owner is None:
            return None  # nothing said of it apart from the others: the message is read as a whole
        if name.startswith(_ITEM):
            # a listed item: the programme or funder named where it is described
            named_in_it = [(n, eu) for m_start, _, n, eu in mentions
                           if not n.startswith(_ITEM) and any(start <= m_start < end for start, end in spans)]
            if not named_in_it:
                # the one programme named before the items, for all of them ("två ansökningar till EU4Health: i den ena …")
                named_in_it = list({(n, eu) for m_start, _, n, eu in mentions
                                    if not n.startswith(_ITEM) and any(start <= m_start < end for start, end in preamble)})
            if len({n for n, _ in named_in_it}) != 1:
                return None
            name, is_eu = named_in_it[0]
        programme = name if is_eu is not None and name != _EU_MONEY else None
        return _AskedProject(programme, figures, reading, is_eu)

    def _several_projects(self, question: str, text: str) -> bool:
        """Whether the message tells of more than one project: two EU programmes named, or said in words ("två
        ansökningar", "in two of them"); not a funder beside a programme, which may be the same project's."""
        if _SEVERAL.search(text):
            return True
        return len({n for _, _, n, eu in self._project_mentions(question, text) if eu and n != _EU_MONEY}) > 1

    def _project_mentions(self, question: str, text: str) -> list[tuple[int, int, str, bool | None]]:
        """Each programme or other funder named, where (in `text`), its name and whether it is EU money (None: a
        funder other than the EU, named by its own words)."""
        found: list[tuple[int, int, str, bool | None]] = []
        for pattern, literal, sensitive, name, is_eu in self._programmes:
            if not sensitive:
                if literal in text:
                    found += [(m.start(), m.end(), name, is_eu) for m in pattern.finditer(text)]
                continue
            # A name read in its case ("LIFE"): where it stands in the folded text is where its folded form does, the
            # n-th time for its n-th match.
            said = [fold(m[0]) for m in pattern.finditer(question)] if literal in question else []
            for folded in dict.fromkeys(said):
                places = list(re.finditer(rf"(?<!\w){re.escape(folded)}(?!\w)", text))[:said.count(folded)]
                found += [(m.start(), m.end(), name, is_eu) for m in places]
        # EU money named without a programme: "ett EU-finansierat nätverk", "an EU project"
        found += [(m.start(), m.end(), _EU_MONEY, True) for m in _EU_NAMED.finditer(text)]
        # projects listed by number or letter ("1) Ett Interreg-projekt …", "Projekt A är …"): the item, which the
        # question names by its label ("Min fråga gäller 1", "vad kräver rutinen för A?")
        found += [(m.start(), m.end(), _ITEM + (m["label"] or m["label2"]), None) for m in _ITEM_LABEL.finditer(text)]
        # projects told apart by order ("i den ena är vi partner, i den andra koordinator … för den andra ansökan?"), when
        # two or more are told so
        ordinals = [(m.start(), m.end(), _ITEM + "#" + next(k for k, v in m.groupdict().items() if v), None)
                    for m in _ORDINAL.finditer(text)]
        if len({name for _, _, name, _ in ordinals}) > 1:
            found += ordinals
        # funders other than the EU count as one kind of project: "Vinnova-ansökan" beside "Vinnova" is the same one
        found += [(m.start(), m.end(), _ANOTHER_FUNDER, None) for m in self._other_funders.finditer(text)
                  if not m[0].startswith(_FUNDING_KIND)]
        # what is replaced is not a project: "Arvsfonden i stället för ESF+"
        found = [mention for mention in found if not _REPLACED.search(text, 0, mention[0])]
        found.sort()
        # a longer name covering a shorter one found at the same place ("Interreg ÖKS", "Interreg") counts once
        kept: list[tuple[int, int, str, bool | None]] = []
        for mention in found:
            if kept and mention[0] < kept[-1][1]:
                continue
            kept.append(mention)
        return kept

    @staticmethod
    def _named_in_question(text: str, mentions: list[tuple[int, int, str, bool | None]]) -> tuple[str, bool | None] | None:
        """The one project the question names: in the sentences that ask (with a "?"), the last first, else in the
        last sentence."""
        breaks = [m.end() for m in _SENTENCE_BREAK.finditer(text)]
        last = breaks[-1] if breaks else 0
        starts = [0, *breaks]
        sentences = list(zip(starts, [*breaks, len(text)]))
        asking = [(begin, end) for begin, end in sentences if "?" in text[begin:end]]
        # the sentence before the last question, which may name what it asks about ("ESF+-budgeten kan komma att justeras
        # upp. Om den justeras upp, behövs då informationsärende?"); the last sentence when no sentence asks
        before_it = [sentences[i - 1] for i, sentence in enumerate(sentences) if asking and sentence == asking[-1] and i]
        for begin, end in [*reversed(asking), *before_it, (last, len(text))]:
            named = {(n, eu) for m_start, _, n, eu in mentions if begin <= m_start < end}
            if (label := _ITEM_ASKED.search(text, begin, end)) is not None:
                named = {(n, eu) for _, _, n, eu in mentions if n == _ITEM + (label["label"] or label["label3"])}
            if not named and _THE_NEW_ONE.search(text, begin, end):
                # "Behöver vi säga till KSF om det nya?": the project said to be new
                named = {(n, eu) for m_start, _, n, eu in mentions if _NEW_BEFORE.search(text, max(0, m_start - 25), m_start)}
            if len({n for n, _ in named}) == 1:
                return next(iter(named))
            if named:
                # A question naming several ("Gäller samma rutin för Arvsfonden som för Erasmus+?"): the one the last
                # sentence names, if it names one ("Konkret avser nämnden att söka 3 miljoner från Arvsfonden.")
                last_named = {(n, eu) for m_start, _, n, eu in mentions if m_start >= last}
                return next(iter(last_named)) if len({n for n, _ in last_named}) == 1 and begin < last else None
        return None

    def _eu_funding(self, text: str, programme: str | None, programme_is_eu: bool) -> bool | None:
        if self._not_eu.search(text):
            # An EU programme named is EU money, whoever pays it out: "ESF-rådet är förvaltande myndighet och inte EU",
            # "AMIF är väl Migrationsverkets pengar och inte EU:s" (a belief the answer corrects), unless the money is
            # said to come from elsewhere instead ("inte från EU utan från Formas").
            if programme and programme_is_eu and not _INSTEAD_OF_EU.search(text):
                return True
            return False
        if programme:
            return programme_is_eu
        if self._other_funders.search(text):
            text = self._eu_as_the_rules.sub(" ", text)
        if self._eu_words.search(text) and self._funding_words.search(text):
            return True
        # Vinnova or "statliga medel" alone: not EU money (but Vinnova may come with Horizon Europe).
        return False if self._other_funders.search(text) else None

    def _submission_date(self, text: str, today: date) -> date | None:
        if not self._submission_cue.search(text):
            return None
        for form, pattern in self._dates:
            for m in pattern.finditer(text):
                if form == "ymd":
                    y, mo, d = int(m[1]), int(m[2]), int(m[3])
                elif form == "dmy":
                    d, mo, y = int(m[1]), self.months[m[2]], int(m[3] or today.year)
                else:
                    mo, d, y = self.months[m[1]], int(m[2]), int(m[3] or today.year)
                try:
                    return date(y, mo, d)
                except ValueError:
                    continue
        return None

    def _sections(self, text: str) -> list[str]:
        found = [m[1] for m in self._section_named.finditer(text)]
        found += [m[1] for m in self._section_bare.finditer(text)]
        seen: list[str] = []
        for sid in found:
            if sid in self.section_ids and sid not in seen:
                seen.append(sid)
        return seen


def _the_one_eu_project(mentions: list[tuple[int, int, str, bool | None]]) -> tuple[str, bool | None] | None:
    """Of projects of EU money and of other funders described with no one asked about ("Vi leder ett projekt med pengar från
    Nordiska ministerrådet på 14 mnkr, och så är vi partner i ett Interreg"), the one EU project: the only one 4.1's
    routine can concern."""
    projects = {(n, eu) for _, _, n, eu in mentions if not n.startswith(_ITEM)}
    # a programme by its name: "EU-projekt" in "gäller reglerna om EU-projekt ändå?" may name the rules, not a project
    eu_ones = {(n, eu) for n, eu in projects if eu and n != _EU_MONEY}
    others = projects - eu_ones
    return next(iter(eu_ones)) if len(eu_ones) == 1 and others else None


def _last_question(text: str) -> tuple[int, int] | None:
    """Where the last sentence that asks (ends with "?") begins and ends."""
    end = text.rfind("?")
    if end < 0:
        return None
    begin = max((m.end() for m in _SENTENCE_BREAK.finditer(text, 0, end)), default=0)
    return begin, end + 1


def _around(text: str, amount: Amount, amounts: list[Amount], *, before: int = 30, after: int = 25,
            separator: re.Pattern[str] = _PART_SEPARATOR) -> str:
    """The words that say what an amount is: up to `before` characters before it (back to the previous comma, "och",
    "plus" or amount: "bidrag 9 mkr plus 4 mkr egen medfinansiering" does not make the 4 mkr a grant), and a few
    after it (up to the next of those)."""
    start = max([0, amount.start - before] + [a.end for a in amounts if a.end <= amount.start])
    end = min([amount.end + after] + [a.start for a in amounts if a.start >= amount.end])
    return f"{separator.split(text[start:amount.start])[-1]} {separator.split(text[amount.end:end])[0]}"


# Between the parts a budget is told in, also a sentence's end and "samt": "Budget: EU 720 k€, egen 300 k€".
_PARTS_SEPARATOR = re.compile(r"[,;:.!?]|(?<![a-z])\+|\+(?= ?\d)| och | and | plus | samt | as well as ")


def _threshold_compared(amounts: list[Amount], threshold: Decimal) -> list[Amount]:
    """Without a bound at exactly the threshold when an exact figure is given beside it: "EU-bidraget är 10 MSEK,
    co-financing rate 60 % … det är ju under 12 miljoner?" compares the grant with the threshold; it is no fact about
    the budget, which the grant and the rate give."""
    if not any(a.bound == "exact" and a.kind != "threshold" for a in amounts):
        return amounts
    return [a for a in amounts if not (a.bound in ("below", "at_most") and a.value == threshold and a.currency != "EUR")]


def _replaced(where: str, at: int, sensitive: bool) -> bool:
    """Whether the programme named at `at` is the one replaced ("Arvsfonden i stället för LIFE"); a name read in its
    case stands in the question as written, so the words before it are folded first."""
    return bool(_REPLACED.search(fold(where[:at])) if sensitive else _REPLACED.search(where, 0, at))


# Between the two ends of a range: "between EUR 1.5 and 2 million", "1,5–2 MEUR".
_RANGE_BETWEEN = re.compile(r"\s*(?:och|and|to|till|-|–)\s*$")


def _range_low_end(text: str, amounts: list[Amount]) -> list[Amount]:
    """A range whose low end is written without the unit its high end has ("between EUR 1.5 and 2 million"): the low end
    in that unit, as what the budget is at least, in place of both (the low end alone was read as 1.5 euro)."""
    for low, high in zip(amounts, amounts[1:]):
        number = _NUMBER.match(text, high.start)
        if (low.value >= 1000 or high.value < 1000 or number is None
                or not _RANGE_BETWEEN.match(text[low.end:high.start])):
            continue
        try:
            unit = high.value / Decimal(number[0].replace(" ", "").replace(",", "."))
        except (ArithmeticError, ValueError):
            continue
        if unit < 1000 or low.value * unit > high.value:
            continue
        value = low.value * unit
        value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value
        widened = replace(low, value=value, currency=low.currency or high.currency, bound="at_least", end=high.end)
        return [widened if a is low else a for a in amounts if a is not high]
    return amounts


def _range_floor(text: str, budget: Amount, threshold: Decimal) -> Amount:
    """A budget said as a range ("någonstans mellan 10 och 14 miljoner", "10–14 mkr"): when the range reaches over the
    threshold from below it, the total is only known to be at least its low end; otherwise the figure read stands."""
    low = _RANGE_LOW.search(text, max(0, budget.start - 40), budget.start)
    high = _NUMBER.match(text, budget.start)
    if low is None or high is None or budget.currency == "EUR":  # the threshold is in kronor; a range in euro stays read
        return budget
    try:
        ratio = budget.value / Decimal(high[0].replace(",", "."))
        floor = Decimal((low["low"] or low["low2"]).replace(",", ".")) * ratio
    except (ArithmeticError, ValueError):
        return budget
    if 0 < floor < threshold <= budget.value and budget.bound == "exact":
        return replace(budget, value=floor, bound="at_least")
    return budget


def _budget(amounts: list[Amount]) -> tuple[Amount | None, bool]:
    """The amount that tells most about the total budget, and whether it is only a part of it."""
    facts = [a for a in amounts if a.kind != "threshold"]
    # An exact figure tells more than a bound: "understiger 12 miljoner – den landar på 9 mkr totalt", "inte över 12
    # miljoner, bara 10". Of several, the last said: a correction or the project asked about comes after ("förra
    # projektet var på 22 miljoner … nu söker vi ett nytt på 9 miljoner", "vår andel 350 000 euro men hela projektet 2,4
    # miljoner"). A figure marked as the total before one that is not.
    for kind in ("total", "unmarked"):
        chosen = next((a for a in reversed(facts) if a.kind == kind and a.bound == "exact"), None)
        if chosen:
            return chosen, False
    for kind in ("total", "unmarked"):
        chosen = next((a for a in facts if a.kind == kind), None)
        if chosen:
            return chosen, False
    # Only parts (share, grant): the largest one is a floor under the total, if it bounds at all.
    parts = [a for a in facts if a.bound in ("exact", "at_least")]
    if parts:
        return max(parts, key=lambda a: a.value), True
    return None, False
