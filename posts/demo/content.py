"""Demo content: ~30 approved items with English and Norwegian captions, a few in review,
and one suggestion.

Idempotent: rows are keyed by slug (items, topics) and refreshed.
"""

from datetime import timedelta

from django.utils import timezone

from accounts.models import Team, User
from ambassador.networks import Network
from posts.models import Caption, ContentItem, ContentStatus, Topic

TOPICS = [
    ("company-news", "Company news"),
    ("climate", "Climate and energy"),
    ("hiring", "Hiring"),
    ("customers", "Customer stories"),
    ("engineering", "Engineering"),
    ("culture", "Culture"),
    ("events", "Events"),
]

TOPICS_NB = {
    "company-news": "Nytt fra selskapet",
    "climate": "Klima og energi",
    "hiring": "Vi ansetter",
    "customers": "Kundehistorier",
    "engineering": "Teknologi",
    "culture": "Kultur",
    "events": "Arrangementer",
}

# slug, topic, target team slugs (empty: everyone), featured, title, summary,
# LinkedIn (en, nb), short caption for X/Mastodon/Bluesky (en, nb)
ITEMS = [
    ("annual-report-2026", "company-news", [], True, "Our 2026 annual report", "Growth, a new office in Bergen and 40 new colleagues.",
     "Our annual report is out: 40 new colleagues, a new office in Bergen, and record customer satisfaction. Proud to be part of it.",
     "Årsrapporten vår er ute: 40 nye kolleger, nytt kontor i Bergen og rekordhøy kundetilfredshet. Stolt av å være med.",
     "Our 2026 annual report is out — a year of growth.", "Årsrapporten for 2026 er ute — et år med vekst."),
    ("wind-farm-fosen", "climate", [], True, "Powering 20,000 homes from Fosen", "Our software now balances the output of the Fosen wind farm.",
     "Our team helped the Fosen wind farm balance its output for 20,000 homes. This is the kind of work I am proud of.",
     "Teamet vårt hjelper Fosen vindpark å balansere strømmen til 20 000 hjem. Dette er arbeid jeg er stolt av.",
     "Clean power for 20,000 homes, balanced by our software.", "Ren strøm til 20 000 hjem, balansert av programvaren vår."),
    ("hiring-backend", "hiring", ["engineering", "platform"], False, "We are hiring backend developers", "Python, PostgreSQL and a lot of wind data.",
     "We are hiring backend developers in Oslo and Bergen. Python, PostgreSQL and real impact on the energy transition. Ask me about it!",
     "Vi ansetter backend-utviklere i Oslo og Bergen. Python, PostgreSQL og ekte påvirkning på energiomstillingen. Spør meg!",
     "We're hiring backend developers — Python, Postgres, wind data.", "Vi ansetter backend-utviklere — Python, Postgres, vinddata."),
    ("customer-hafslund", "customers", ["sales", "customer-success"], False, "How a grid operator cut outages by 30 %", "A customer story about predictive maintenance.",
     "A grid operator cut unplanned outages by 30 % with predictive maintenance. Read how they did it.",
     "En nettoperatør kuttet ikke-planlagte strømbrudd med 30 % med prediktivt vedlikehold. Les hvordan.",
     "30 % fewer outages with predictive maintenance.", "30 % færre strømbrudd med prediktivt vedlikehold."),
    ("tech-blog-postgres", "engineering", ["engineering", "platform"], False, "Scaling PostgreSQL to a billion meter readings", "Partitioning, BRIN indexes and what we learned.",
     "Our platform team wrote up how we scaled PostgreSQL to a billion meter readings a day. Great read for data people.",
     "Plattformteamet vårt skriver om hvordan vi skalerte PostgreSQL til en milliard målinger om dagen.",
     "How we scaled Postgres to a billion readings a day.", "Slik skalerte vi Postgres til en milliard målinger daglig."),
    ("culture-friday", "culture", [], False, "Fridays are for learning", "Every Friday afternoon is for courses, talks and side projects.",
     "Every Friday afternoon we learn something new: courses, talks, side projects. One of my favourite things about working here.",
     "Hver fredag ettermiddag lærer vi noe nytt: kurs, foredrag og sideprosjekter. Noe av det beste med å jobbe her.",
     "Fridays are for learning at our place.", "Fredager er for læring hos oss."),
    ("event-arendal", "events", [], True, "Meet us at Arendalsuka", "Panel debate on the energy transition, Wednesday at 14:00.",
     "Join our panel on the energy transition at Arendalsuka, Wednesday 14:00. Come and say hello!",
     "Bli med på panelet vårt om energiomstillingen på Arendalsuka, onsdag kl. 14. Kom og si hei!",
     "See you at Arendalsuka — panel Wednesday 14:00.", "Vi ses på Arendalsuka — panel onsdag kl. 14."),
    ("sales-kickoff", "company-news", ["sales"], False, "Sales kickoff: our biggest quarter yet", "Q3 closed with 12 new customers.",
     "Q3 closed with 12 new customers. Thank you to everyone who made it happen.",
     "Q3 endte med 12 nye kunder. Takk til alle som fikk det til.",
     "12 new customers in Q3!", "12 nye kunder i Q3!"),
    ("marketing-brand", "company-news", ["marketing"], False, "A fresh look for our brand", "New logo, new colours, same mission.",
     "We have a fresh new look — new logo and colours, same mission: clean energy that just works.",
     "Vi har fått ny profil — ny logo og nye farger, samme mål: ren energi som bare virker.",
     "New look, same mission.", "Ny profil, samme mål."),
    ("people-parental", "culture", [], False, "Full pay for parental leave, for everyone", "Our new parental leave policy.",
     "From this year everyone here gets full pay during parental leave. Good policies make good workplaces.",
     "Fra i år får alle her full lønn i foreldrepermisjonen. Gode ordninger gir gode arbeidsplasser.",
     "Full pay during parental leave, for everyone.", "Full lønn i foreldrepermisjon, for alle."),
    ("climate-report", "climate", [], False, "Our climate accounts for 2026", "Emissions down 18 % from last year.",
     "Our climate accounts are published: emissions down 18 % from last year. Open numbers, honest progress.",
     "Klimaregnskapet vårt er publisert: utslippene ned 18 % fra i fjor. Åpne tall, ærlig fremgang.",
     "Emissions down 18 % — our climate accounts.", "Utslipp ned 18 % — klimaregnskapet vårt."),
    ("customer-tromso", "customers", [], False, "Heating Tromsø with surplus heat", "District heating from a data centre.",
     "Surplus heat from a data centre now heats homes in Tromsø. We built the control system. Circular energy in practice.",
     "Overskuddsvarme fra et datasenter varmer nå boliger i Tromsø. Vi laget styringssystemet.",
     "Data-centre heat now warms Tromsø homes.", "Varme fra datasenteret varmer boliger i Tromsø."),
    ("engineering-open-source", "engineering", [], False, "We open-sourced our forecasting library", "Apache-licensed, on GitHub.",
     "We just open-sourced our wind forecasting library. Contributions welcome!",
     "Vi har gjort prognosebiblioteket vårt for vind til åpen kildekode. Bidrag er velkomne!",
     "Our wind forecasting library is now open source.", "Prognosebiblioteket vårt er nå åpen kildekode."),
    ("hiring-summer", "hiring", [], False, "Summer internships 2027", "Ten paid summer internships for students.",
     "Know a student who wants to work on clean energy? We have ten paid summer internships for 2027.",
     "Kjenner du en student som vil jobbe med ren energi? Vi har ti betalte sommerjobber for 2027.",
     "10 paid summer internships — apply now.", "10 betalte sommerjobber — søk nå."),
    ("event-meetup", "events", ["engineering", "platform"], False, "Oslo Python meetup at our office", "Talks on data pipelines, pizza included.",
     "We host the Oslo Python meetup next Thursday: talks on data pipelines, and pizza. Everyone welcome.",
     "Vi arrangerer Oslo Python-meetup neste torsdag: foredrag om datapipelines, og pizza. Alle er velkomne.",
     "Python meetup at our office on Thursday.", "Python-meetup hos oss torsdag."),
    ("customer-success-nps", "customers", ["customer-success"], False, "Customer satisfaction at an all-time high", "NPS 62 this quarter.",
     "Our customers gave us an NPS of 62 this quarter. Thank you for the trust.",
     "Kundene våre ga oss NPS 62 dette kvartalet. Takk for tilliten.",
     "NPS 62 — thank you, customers.", "NPS 62 — takk, kunder."),
    ("culture-volunteer", "culture", [], False, "A day of beach clean-up", "80 colleagues collected 400 kg of plastic.",
     "80 of us spent a day cleaning beaches on the Oslofjord and collected 400 kg of plastic.",
     "80 av oss ryddet strender i Oslofjorden og samlet 400 kg plast.",
     "400 kg of plastic off the Oslofjord beaches.", "400 kg plast fjernet fra strendene i Oslofjorden."),
    ("company-bergen-office", "company-news", [], False, "Our new Bergen office is open", "Room for 60 people at Bryggen.",
     "Our new Bergen office is open — room for 60 people right by Bryggen.",
     "Det nye Bergen-kontoret vårt er åpnet — plass til 60 ved Bryggen.",
     "New office in Bergen is open!", "Nytt kontor i Bergen er åpnet!"),
    ("climate-solar", "climate", [], False, "Solar on every roof we own", "All our buildings now produce solar power.",
     "All our own buildings now have solar panels. Small steps add up.",
     "Alle byggene våre har nå solcellepaneler. Små steg blir store.",
     "Solar panels on every roof we own.", "Solceller på alle våre tak."),
    ("engineering-security", "engineering", ["engineering", "platform"], False, "ISO 27001 certified", "Our information security is now certified.",
     "We are now ISO 27001 certified — security is a team sport.",
     "Vi er nå ISO 27001-sertifisert — sikkerhet er lagarbeid.",
     "We're ISO 27001 certified.", "Vi er ISO 27001-sertifisert."),
    ("customer-ferry", "customers", ["sales"], False, "Electric ferries charge smarter", "Charging schedules that save 12 % energy.",
     "Electric ferries on the west coast now charge smarter with our scheduling — 12 % less energy.",
     "Elfergene på Vestlandet lader smartere med planleggingen vår — 12 % mindre energi.",
     "Electric ferries, 12 % less energy.", "Elferger, 12 % mindre energi."),
    ("hiring-sales", "hiring", ["sales", "marketing"], False, "Join our sales team", "Account executives in Oslo and Stockholm.",
     "We are looking for account executives in Oslo and Stockholm. Great product, great team.",
     "Vi søker kundeansvarlige i Oslo og Stockholm. Godt produkt, godt team.",
     "We're hiring account executives.", "Vi ansetter kundeansvarlige."),
    ("event-webinar", "events", [], False, "Webinar: flexibility markets explained", "45 minutes, free, in English.",
     "Free 45-minute webinar: flexibility markets explained. Sign up via the link.",
     "Gratis webinar på 45 minutter: fleksibilitetsmarkeder forklart. Meld deg på via lenken.",
     "Free webinar: flexibility markets explained.", "Gratis webinar: fleksibilitetsmarkeder forklart."),
    ("culture-mentoring", "culture", ["people"], False, "Mentoring for every new hire", "Everyone gets a mentor from day one.",
     "Everyone who starts here gets a mentor from day one. It makes a real difference.",
     "Alle som begynner her får en mentor fra første dag. Det gjør en forskjell.",
     "A mentor for every new hire.", "En mentor til alle nyansatte."),
    ("company-partnership", "company-news", [], False, "Partnership with a Nordic utility", "Five-year agreement signed.",
     "We signed a five-year partnership with one of the largest Nordic utilities.",
     "Vi har signert en femårig avtale med et av de største nordiske energiselskapene.",
     "Five-year partnership signed.", "Femårig partnerskap signert."),
    ("climate-batteries", "climate", [], False, "Second life for EV batteries", "Old car batteries as grid storage.",
     "Old EV batteries get a second life as grid storage in our new pilot.",
     "Gamle elbilbatterier får nytt liv som nettlager i pilotprosjektet vårt.",
     "Second life for EV batteries as grid storage.", "Nytt liv for elbilbatterier som nettlager."),
    ("engineering-accessibility", "engineering", [], False, "Our apps now meet WCAG 2.2 AA", "Accessibility audit passed.",
     "Our customer apps now meet WCAG 2.2 AA. Accessible energy data for everyone.",
     "Kundeappene våre oppfyller nå WCAG 2.2 AA. Tilgjengelige energidata for alle.",
     "Our apps now meet WCAG 2.2 AA.", "Appene våre oppfyller nå WCAG 2.2 AA."),
    ("customer-farm", "customers", ["customer-success"], False, "A dairy farm that sells power", "Biogas from manure feeds the grid.",
     "A dairy farm in Jæren sells biogas power to the grid, using our platform.",
     "En melkegård på Jæren selger biogasstrøm til nettet, med plattformen vår.",
     "A dairy farm that sells power to the grid.", "En melkegård som selger strøm til nettet."),
    ("people-survey", "culture", ["people"], False, "Engagement survey: 4.5 out of 5", "Thank you for answering.",
     "Our engagement survey landed at 4.5 out of 5. Thank you to everyone who answered honestly.",
     "Medarbeiderundersøkelsen endte på 4,5 av 5. Takk til alle som svarte ærlig.",
     "Engagement survey: 4.5/5.", "Medarbeiderundersøkelse: 4,5/5."),
    ("company-award", "company-news", [], False, "Named one of Norway's best workplaces", "Great Place to Work 2026.",
     "We were named one of Norway's best workplaces 2026. It is all thanks to the people here.",
     "Vi er kåret til en av Norges beste arbeidsplasser 2026. Det er takket være folkene her.",
     "One of Norway's best workplaces 2026.", "En av Norges beste arbeidsplasser 2026."),
]  # fmt: skip

# The Norwegian title and summary of each item above, below and of the suggestion.
NORWEGIAN = {
    "annual-report-2026": ("Årsrapporten for 2026", "Vekst, nytt kontor i Bergen og 40 nye kolleger."),
    "wind-farm-fosen": ("Strøm til 20 000 hjem fra Fosen", "Programvaren vår balanserer nå produksjonen i Fosen vindpark."),
    "hiring-backend": ("Vi ansetter backend-utviklere", "Python, PostgreSQL og masse vinddata."),
    "customer-hafslund": ("Slik kuttet en nettoperatør strømbruddene med 30 %", "En kundehistorie om prediktivt vedlikehold."),
    "tech-blog-postgres": ("PostgreSQL med en milliard målinger", "Partisjonering, BRIN-indekser og hva vi lærte."),
    "culture-friday": ("Fredagene er for læring", "Hver fredag ettermiddag er satt av til kurs, foredrag og sideprosjekter."),
    "event-arendal": ("Møt oss på Arendalsuka", "Paneldebatt om energiomstillingen onsdag kl. 14.00."),
    "sales-kickoff": ("Salgskickoff: vårt beste kvartal så langt", "Tredje kvartal endte med 12 nye kunder."),
    "marketing-brand": ("Ny profil for merkevaren vår", "Ny logo, nye farger, samme mål."),
    "people-parental": ("Full lønn i foreldrepermisjon, for alle", "Den nye ordningen vår for foreldrepermisjon."),
    "climate-report": ("Klimaregnskapet for 2026", "Utslippene er 18 % lavere enn i fjor."),
    "customer-tromso": ("Overskuddsvarme varmer Tromsø", "Fjernvarme fra et datasenter."),
    "engineering-open-source": ("Prognosebiblioteket vårt er åpen kildekode", "Apache-lisens, på GitHub."),
    "hiring-summer": ("Sommerjobber 2027", "Ti betalte sommerjobber for studenter."),
    "event-meetup": ("Oslo Python-meetup hos oss", "Foredrag om datapipelines, pizza inkludert."),
    "customer-success-nps": ("Kundetilfredsheten har aldri vært høyere", "NPS 62 dette kvartalet."),
    "culture-volunteer": ("En dag med strandrydding", "80 kolleger samlet 400 kg plast."),
    "company-bergen-office": ("Det nye Bergen-kontoret er åpnet", "Plass til 60 personer ved Bryggen."),
    "climate-solar": ("Solceller på alle tak vi eier", "Alle byggene våre produserer nå solstrøm."),
    "engineering-security": ("ISO 27001-sertifisert", "Informasjonssikkerheten vår er nå sertifisert."),
    "customer-ferry": ("Elfergene lader smartere", "Ladeplaner som sparer 12 % energi."),
    "hiring-sales": ("Bli med i salgsteamet vårt", "Kundeansvarlige i Oslo og Stockholm."),
    "event-webinar": ("Webinar: fleksibilitetsmarkeder forklart", "45 minutter, gratis, på engelsk."),
    "culture-mentoring": ("Mentor til alle nyansatte", "Alle får en mentor fra første dag."),
    "company-partnership": ("Partnerskap med et nordisk energiselskap", "Femårig avtale signert."),
    "climate-batteries": ("Nytt liv for elbilbatterier", "Gamle bilbatterier blir energilager i strømnettet."),
    "engineering-accessibility": ("Appene våre oppfyller nå WCAG 2.2 AA", "Tilgjengelighetsrevisjonen er bestått."),
    "customer-farm": ("En melkegård som selger strøm", "Biogass fra gjødsel går ut på strømnettet."),
    "people-survey": ("Medarbeiderundersøkelsen: 4,5 av 5", "Takk til alle som svarte."),
    "company-award": ("Kåret til en av Norges beste arbeidsplasser", "Great Place to Work 2026."),
    "draft-heat-pumps": ("Varmepumper på alle skoler", "Et pilotprosjekt med tre kommuner."),
    "draft-podcast": ("Den nye podkasten vår: Strømprat", "Første episode handler om balansering av strømnettet."),
    "draft-hackathon": ("Hackathon: 24 timer med energidata", "Åpent for studenter og ansatte."),
    "suggestion-industry-report": ("Nordisk energiutsikt 2027", "En uavhengig rapport som nevner prognosearbeidet vårt."),
}  # fmt: skip


def _texts(slug: str, title: str, summary: str) -> dict[str, str]:
    title_nb, summary_nb = NORWEGIAN[slug]
    return {
        "title_en": title,
        "title_nb": title_nb,
        "summary_en": summary,
        "summary_nb": summary_nb,
    }


# (slug, topic, title, summary, author, team slugs: empty for everyone). Two people approve
# in the demo: the manager reviews what the admin wrote for Sales, the admin what the manager
# wrote, and only admins (and company-wide curators) what is for everyone.
IN_REVIEW = [
    (
        "draft-heat-pumps",
        "climate",
        "Heat pumps in every school",
        "A pilot with three municipalities.",
        "manager",
        ["sales"],
    ),
    (
        "draft-podcast",
        "company-news",
        "Our new podcast: Power Talk",
        "Episode one is about grid balancing.",
        "admin",
        ["sales"],
    ),
    (
        "draft-hackathon",
        "events",
        "Hackathon: 24 hours of energy data",
        "Open to students and staff.",
        "admin",
        [],
    ),
]


def build() -> None:
    now = timezone.now()
    topics = {}
    for slug, name in TOPICS:
        topics[slug], _created = Topic.objects.update_or_create(
            slug=slug, defaults={"name_en": name, "name_nb": TOPICS_NB[slug]}
        )
    teams = {team.slug: team for team in Team.objects.all()}
    admin = User.objects.filter(email="admin@example.com").first()
    manager = User.objects.filter(email="manager@example.com").first()
    employee = User.objects.filter(email="employee@example.com").first()

    for index, row in enumerate(ITEMS):
        slug, topic, team_slugs, featured, title, summary, li_en, li_nb, short_en, short_nb = row
        published = now - timedelta(days=index, hours=index % 5)
        item, _created = ContentItem.objects.update_or_create(
            slug=slug,
            defaults={
                "url": f"https://example.com/news/{slug}",
                **_texts(slug, title, summary),
                "status": ContentStatus.APPROVED,
                "featured": featured,
                "target_everyone": not team_slugs,
                "publish_at": published,
                "approved_at": published,
                "approved_by": admin,
                "created_by": admin,
            },
        )
        item.topics.set([topics[topic]])
        item.target_teams.set([teams[s] for s in team_slugs if s in teams])
        captions = {
            (Network.LINKEDIN, "en"): li_en,
            (Network.LINKEDIN, "nb"): li_nb,
            (Network.FACEBOOK, "en"): li_en,
            (Network.X, "en"): short_en,
            (Network.X, "nb"): short_nb,
            (Network.MASTODON, "en"): short_en,
            (Network.MASTODON, "nb"): short_nb,
            (Network.BLUESKY, "en"): short_en,
            (Network.BLUESKY, "nb"): short_nb,
        }
        for (network, language), text in captions.items():
            Caption.objects.update_or_create(
                item=item, network=network, language=language, defaults={"text": text}
            )

    authors = {"admin": admin, "manager": manager}
    for slug, topic, title, summary, author, team_slugs in IN_REVIEW:
        item, _created = ContentItem.objects.update_or_create(
            slug=slug,
            defaults={
                "url": f"https://example.com/news/{slug}",
                **_texts(slug, title, summary),
                "status": ContentStatus.IN_REVIEW,
                "created_by": authors[author],
                "target_everyone": not team_slugs,
            },
        )
        item.topics.set([topics[topic]])
        item.target_teams.set([teams[s] for s in team_slugs if s in teams])

    suggestion, _created = ContentItem.objects.update_or_create(
        slug="suggestion-industry-report",
        defaults={
            "url": "https://example.com/industry/nordic-energy-outlook",
            **_texts(
                "suggestion-industry-report",
                "Nordic energy outlook 2027",
                "An independent report that mentions our forecasting work.",
            ),
            "status": ContentStatus.IN_REVIEW,
            "created_by": employee,
            "suggested_by": employee,
            "suggestion_reason": "An independent report that cites our forecasting — good for credibility.",
        },
    )
    suggestion.topics.set([topics["climate"]])
