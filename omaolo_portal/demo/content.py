"""Demo process descriptions, written for this portal from the facts in data/SOURCES.md.

The texts are the portal's own summaries; they do not quote the operating-model
pages they were inspired by.
"""

import datetime

# No public source lists Omaolo's deployment phases by name (data/SOURCES.md): the demo's phases
# and steps are an example, and the guides say so.
EXAMPLE_PHASES_NOTE = (
    "Vaiheet ja askeleet ovat esimerkki, jonka tämä portaali on koonnut Päijät-Hämeen ja Lapin "
    "kuvauksista sekä DigiFinlandin käsikirjasta; yksikään lähde ei luettele niitä tässä muodossa."
)

PHASE_TEMPLATE = [
    {
        "title": "Nykytila ja sitoutuminen",
        "goal": f"*{EXAMPLE_PHASES_NOTE}*\n\n"
        "Organisaatio ja esihenkilöt sitoutuvat käyttöönottoon, ja käyttöön valitaan sisällöt, "
        "joille on todellinen tarve.",
        "steps": [
            {
                "title": "Kartoita nykyiset asiointikanavat",
                "role": "main_user",
                "days": 5,
                "output": "Kuvaus nykyisistä yhteydenottoreiteistä ja niiden kuormituksesta",
                "checklist": "Puhelin- ja chat-jonot\nVastaanottojen ajanvaraus\nNykyiset sähköiset palvelut",
            },
            {
                "title": "Valitse sisällöt tarpeen mukaan",
                "role": "manager",
                "days": 3,
                "output": "Päätös käyttöön otettavista Omaolo-sisällöistä",
                "checklist": "Palvelualueen tarve\nResurssit vastata yhteydenottoihin\nMittarit onnistumiselle",
            },
        ],
    },
    {
        "title": "Suunnittelu",
        "goal": "Roolit, prosessimuutokset ja asiakasohjaus on sovittu ennen koulutusta.",
        "steps": [
            {
                "title": "Nimeä pääkäyttäjät, esihenkilöt ja ammattilaiset",
                "role": "manager",
                "days": 2,
                "output": "Roolikartta yhteystietoineen",
                "checklist": "Pääkäyttäjä ja varahenkilö\nVastaava esihenkilö\nVastaavat ammattilaiset",
            },
            {
                "title": "Kuvaa muuttuva palveluprosessi",
                "role": "main_user",
                "days": 10,
                "output": "Prosessikuvaus: kuka vastaa, missä ajassa ja millä kanavalla",
                "checklist": "Vastausaika asiakkaalle\nKiireellisten ohjaus\nKirjaaminen potilastietojärjestelmään",
            },
            {
                "title": "Suunnittele asiakasohjaus",
                "role": "professional",
                "days": 3,
                "output": "Ohjausviestit puhelinpalveluun, verkkosivuille ja vastaanotoille",
                "checklist": "",
            },
        ],
    },
    {
        "title": "Koulutus ja muutosvalmennus",
        "goal": "Ammattilaiset osaavat käsitellä Omaolon kautta tulevat asiat ja tietävät miksi muutos tehdään.",
        "steps": [
            {
                "title": "Pidä muutosvalmennukset",
                "role": "trainer",
                "days": 15,
                "output": "Kolme valmennuskertaa pidetty, osallistujat kirjattu",
                "checklist": "Ensimmäinen valmennus ennen pilottia\nToinen pilotin aikana\nKolmas käyttöönoton jälkeen",
            },
            {
                "title": "Kouluta käsittelijät ammattilaisen näkymään",
                "role": "main_user",
                "days": 5,
                "output": "Käsittelyoikeudet ja koulutus jokaiselle vastaajalle",
                "checklist": "Käyttöoikeudet haettu\nHarjoitusympäristö käyty läpi",
            },
        ],
    },
    {
        "title": "Viestintä",
        "goal": "Asukkaat ja henkilöstö tietävät, mitä palvelu tarjoaa ja milloin.",
        "steps": [
            {
                "title": "Laadi viestintäsuunnitelma",
                "role": "communications",
                "days": 5,
                "output": "Viestintäsuunnitelma kanavineen ja aikatauluineen",
                "checklist": "Sisäinen viestintä\nVerkkosivut\nPaikallismedia ja sosiaalinen media",
            },
        ],
    },
    {
        "title": "Testaus ja pilotti",
        "goal": "Palvelu kokeillaan rajatusti ja havaitut ongelmat korjataan ennen laajentamista.",
        "steps": [
            {
                "title": "Testaa asiakaspolku päästä päähän",
                "role": "main_user",
                "days": 3,
                "output": "Testiraportti korjattavine asioineen",
                "checklist": "Arvion täyttö\nLähetys ammattilaiselle\nVastaus asiakkaalle",
            },
            {
                "title": "Käynnistä pilotti yhdessä toimipisteessä",
                "role": "professional",
                "days": 20,
                "output": "Pilotin käyttömäärät ja palaute",
                "checklist": "",
            },
        ],
    },
    {
        "title": "Käyttöönottopäätös ja laajennus",
        "goal": "Pilotin tulosten perusteella päätetään laajentamisesta koko alueelle.",
        "steps": [
            {
                "title": "Tee käyttöönottopäätös",
                "role": "steering_group",
                "days": 1,
                "output": "Kirjattu päätös ja aikataulu",
                "checklist": "Pilotin tulokset\nResurssit\nRiskit",
            },
            {
                "title": "Avaa palvelu asukkaille",
                "role": "main_user",
                "days": 2,
                "output": "Sisältö näkyy asukkaille",
                "checklist": "",
            },
        ],
    },
    {
        "title": "Seuranta ja vakiinnuttaminen",
        "goal": "Käyttöä seurataan säännöllisesti ja palvelualueeseen otetaan yhteyttä, jos käyttö laskee.",
        "steps": [
            {
                "title": "Seuraa käyttömääriä viikoittain ja kuukausittain",
                "role": "main_user",
                "days": None,
                "output": "Käyttöraportti palvelualueille",
                "checklist": "Aloitetut ja valmiit arviot\nAmmattilaiselle lähetetyt\nAsiakaspalaute",
            },
            {
                "title": "Ota yhteyttä, kun käyttö laskee",
                "role": "main_user",
                "days": 1,
                "output": "Sovitut korjaavat toimet",
                "checklist": "",
            },
        ],
    },
]

PROCESSES = [
    {
        "slug": "omaolo-pohjois-karjala",
        "county": "14",
        "title": "Omaolo-palvelun kokonaisuus Pohjois-Karjalassa",
        "summary": "Siun soten kuvaus siitä, miten Omaolon sisällöt otettiin käyttöön ja miten käyttöä "
        "seurattiin vuosina 2018–2024.",
        "status": "published",
        "published_at": datetime.datetime(2024, 3, 1, 9, 0, tzinfo=datetime.UTC),
        "development_stage": "ready",
        "funder": "ministry",
        "author": "Siun soten Omaolo-pääkäyttäjät",
        "place_of_implementation": "Pohjois-Karjalan hyvinvointialue",
        "created_at": datetime.datetime(2023, 9, 1, 9, 0, tzinfo=datetime.UTC),
        "modified_at": datetime.datetime(2024, 6, 28, 9, 0, tzinfo=datetime.UTC),
        "modules": ["virtsatietulehdus", "hengitystietulehdus", "asiointiaiheet", "sahkoinen-terveystarkastus"],
        "sections": {
            "operating_environment": (
                "Pohjois-Karjalan 13 kunnan sosiaali- ja terveyspalvelut järjesti vuodesta 2017 kuntayhtymä, "
                "josta tuli hyvinvointialue 1.1.2023. Alueella asui vuoden 2022 lopussa 162 540 ihmistä, "
                "ja henkilöstöä oli lähes 8 000.\n\n"
                "Omaolo otettiin käyttöön 2018. Aluksi sitä ylläpidettiin hankkeissa; vuonna 2022 siitä tuli "
                "organisaation omaa toimintaa. Keväällä 2024 hankittiin uusi digitaalinen palvelualusta, ja "
                "Omaolon käyttö päättyi kesäkuussa 2024."
            ),
            "starting_point": (
                "Digitaalisia palveluja oli käytössä vähän ja hajanaisesti, eikä yhtenäisiä palveluprosesseja "
                "ollut: asiakas saattoi asioida monta eri reittiä, koska yhteistä alustaa ei ollut ja vanhat "
                "järjestelmät eivät vastanneet tarpeisiin. Omaoloa laajennettiin vähitellen muutamasta kunnasta, "
                "toimipisteestä ja sisällöstä koko alueelle."
            ),
            "goals": (
                "- yhdenvertainen mahdollisuus saada palveluja digitaalisesti\n"
                "- digitaalisten kanavien käyttö yleisemmäksi sekä asukkailla että ammattilaisilla\n"
                "- palvelu yhdenvertaisesti ja oikeaan aikaan\n"
                "- moniammatillinen yhteistyö Omaolon avulla\n"
                "- sisällöt koko hyvinvointialueen käyttöön"
            ),
            "needs_resident": "Asukas saa tarvitsemansa palvelun oikeaan aikaan ja oikeassa paikassa, voi hoitaa "
            "itseään ennen kuin varsinaista hoitoa tarvitaan ja pääsee palveluihin myös digitaalisesti entisten "
            "keinojen rinnalla.",
            "needs_professional": "Ammattilaiset saavat käyttöönsä yhtenäisen digitaalisen työvälineen. Kun "
            "palveluprosessit on kuvattu, välineet on helpompi ottaa käyttöön, työ sujuu ja resurssit voidaan "
            "kohdentaa paremmin.",
            "needs_organisation": "Kun asiakas ohjautuu suoraan oikealle ammattilaiselle, resursseja säästyy, "
            "asiakasta ei siirrellä luukulta toiselle ja turhia yhteydenottoja on vähemmän. Tavoitteena on, että "
            "asukas saa avun jo ensimmäisellä yhteydenotolla ja että palveluissa otetaan huomioon monet kanavat "
            "ja eri ammattiryhmät.",
            "needs_society": "Kun digitaaliset palvelut ovat kaikkien ulottuvilla, asukkaat ovat tasavertaisemmassa "
            "asemassa ja palveluita on helpompi saada.",
            "target_group": "Lähes kaikki Pohjois-Karjalan hyvinvointialueen asukkaat ja ammattilaiset, jotka "
            "pystyvät käyttämään Omaoloa. Asiakasymmärrystä kerättiin jokaisen sisällön käyttöönotossa ja "
            "käytössä: säännöllisissä tapaamisissa ammattilaisten kanssa, koulutuksissa, pilotoinneissa ja "
            "päivittäin Teams-kanavilla.",
            "solution": "Omaolon sisältöjä hyödynnetään koko hyvinvointialueella. Asiakkaalle tarjotaan helppo ja "
            "yhdenvertainen digitaalinen kanava palveluihin ja tukea omahoitoon, ja palveluprosessien kuvaukset "
            "ohjaavat, miten yhteydenotot käsitellään moniammatillisesti.\n\n" + EXAMPLE_PHASES_NOTE,
            "conditions": (
                "- esihenkilöt sitoutuvat, osallistuvat, tukevat ammattilaisia päivittäin ja antavat tilaa "
                "kehittämiselle\n"
                "- ammattilaiset sitoutuvat ja kehittävät toimintaa aktiivisesti\n"
                "- viestintä sekä ammattilaisille että asukkaille\n"
                "- pääkäyttäjät kouluttavat henkilöstöä ja tukevat sitä päivittäin\n"
                "- pääkäyttäjille riittävästi aikaa ja osaamista\n"
                "- tavoiteltu muutos kerrotaan näkyvästi\n"
                "- nykytila selvitetään, prosessi kuvataan ja käydään läpi, ja muutoksia arvioidaan ja seurataan"
            ),
            "tips": (
                "- Kerro palvelualueelle, että muutos voi kehittää ja sujuvoittaa työtä.\n"
                "- Saa mukaan sopiva joukko henkilöstöä, myös esihenkilö, ja innosta heitä.\n"
                "- Käy kehittäjätiimin kanssa läpi prosessien nykytila ja se, miten prosessia voisi parantaa "
                "asukkaiden ja ammattilaisten kannalta.\n"
                "- Suunnittele kehittäminen, koulutus ja viestintä ja sovi niille aikataulu.\n"
                "- Kuuntele, mitä kentällä sanotaan.\n"
                "- Pilotoi ja ota sitten käyttöön.\n"
                "- Seuraa etenemistä, tue ja auta, ja kouluta uudelleen, jos tarvitaan.\n"
                "- Kokoa kokemukset prosessista talteen seuraavaa kertaa varten."
            ),
            "measuring_change": "Muutosta seurattiin sisältöjen käyttömäärillä, joiden tilastoja katsottiin "
            "säännöllisesti viikoittain ja kuukausittain, sekä asiakkailta ja ammattilaisilta saadulla palautteella.",
            "evaluation_results": "Käyttö tilastoitiin viikoittain ja kuukausittain, joten palvelualueet saivat "
            "ajantasaista tietoa omasta toiminnastaan ja pystyivät arvioimaan sitä itse. Pääkäyttäjät katsoivat "
            "käyttömääriä säännöllisesti ja ottivat yhteyttä palvelualueeseen, jos käyttö näytti hiipuvan. "
            "Asukkailla oli ympäri vuorokauden auki oleva kanava ohjaukseen, neuvontaan ja apuun, ja heitä "
            "voitiin hoitaa aiempaa monipuolisemmin etäyhteyksin. Kun Omaolon käyttö päättyi kesäkuussa 2024, "
            "sen aikana kuvatut prosessit ja ammattilaisten kasvanut digiosaaminen helpottivat uuden "
            "palvelualustan käyttöönottoa.",
        },
        "links": [("Omaolo", "https://www.omaolo.fi/")],
    },
    {
        "slug": "omaolo-kayttoonoton-vaiheet-paijat-hame",
        "county": "09",
        "title": "Omaolo-sisältöjen vaiheittainen käyttöönotto",
        "summary": "Päijät-Sotessa kuvattu uudelleenkäytettävä prosessi, jota noudatetaan jokaisessa "
        "tulevassa Omaolo-käyttöönotossa.",
        "status": "published",
        "published_at": datetime.datetime(2023, 11, 17, 9, 0, tzinfo=datetime.UTC),
        "development_stage": "in_development",
        "funder": "ministry",
        "author": "Minna Tuuri",
        "place_of_implementation": "Päijät-Hämeen hyvinvointialue",
        "created_at": datetime.datetime(2023, 5, 16, 9, 0, tzinfo=datetime.UTC),
        "modified_at": datetime.datetime(2023, 11, 17, 9, 0, tzinfo=datetime.UTC),
        "modules": ["hyvinvointitarkastus", "hyvinvointivalmennus", "omaishoidon-tuki", "kurkkukipu"],
        "sections": {
            "operating_environment": (
                "Päijät-Hämeessä moni tekijä vaikuttaa yhtä aikaa: väestö ja sen sosioekonominen tilanne ovat "
                "haastavia, henkilöstön saatavuus puhuttaa ja lainsäädäntö muuttuu, joten toimintaa on "
                "kehitettävä jatkuvasti. THL:n vuoden 2021 arvion mukaan alueella on paljon työttömyyttä ja "
                "syrjäytymisvaarassa olevia nuoria, mielenterveys- ja päihdeongelmat korostuvat ja huono-osaisuus "
                "periytyy; huoltosuhde, koulutustaso ja terveys ovat maan keskitasoa heikompia, erityisesti "
                "Lahden seudulla.\n\n"
                "Hyvinvointialueen Omaolo-minitiimi koordinoi käyttöönottoja yhdessä palvelualueiden kanssa."
            ),
            "starting_point": "Aiemmat käyttöönotot tehtiin kukin omalla tavallaan. Yhteinen prosessi "
            "tekee käyttöönotoista ennustettavia ja säästää työtä.",
            "goals": "Jokainen uusi Omaolo-sisältö otetaan käyttöön saman, tarkistettavan prosessin mukaan.",
            "target_group": "Kuvaus on tehty alueen Omaolo-minitiimille ja palvelualueille, jotka ottavat "
            "sisältöjä käyttöön. Se nojaa kokemukseen, joka karttui aiemmista käyttöönotoista: mitä vaiheita "
            "niissä oli ja missä kohdin ne takkusivat.",
            "solution": "Prosessi jakautuu vaiheisiin nykytilasta seurantaan. Jokaisella askeleella on vastuurooli, "
            "arvioitu kesto ja tuotos.\n\n" + EXAMPLE_PHASES_NOTE,
            "conditions": "Prosessikuvaus on minitiimin ja palvelualueiden yhteinen työväline, jota käytetään "
            "jokaisessa tulevassa käyttöönotossa. Se ei vaadi lisää henkilöstöä: tiimin jäsenet olivat mukana "
            "kuvaamassa prosessia, joten se on heille valmiiksi tuttu.",
            "tips": "Mallin voi ottaa käyttöön ilman lisäresursseja, ja se sopii mille tahansa kohderyhmälle ja "
            "toimintaympäristölle, jossa Omaolon osia otetaan käyttöön. Nimeä pääkäyttäjä ja esihenkilö ennen "
            "ensimmäistä koulutusta, ja sovi mittarit jo suunnitteluvaiheessa.",
            "measuring_change": "Aloitetut ja valmiit arviot, ammattilaiselle lähetetyt arviot ja asiakaspalaute.",
        },
        "links": [],
    },
    {
        "slug": "omaolo-lappi-syklit",
        "county": "21",
        "title": "Omaolon käyttöönotto neljässä syklissä",
        "summary": "Lapin malli, jossa uusia kuntia otettiin mukaan sykleittäin ja jokaista sykliä tahditti "
        "kolme muutosvalmennusta.",
        "status": "draft",
        "published_at": None,
        "development_stage": "in_development",
        "funder": "other",
        "author": "Lapin hyvinvointialueen Omaolo-tiimi",
        "place_of_implementation": "Lapin hyvinvointialue",
        "created_at": datetime.datetime(2022, 11, 1, 9, 0, tzinfo=datetime.UTC),
        "modified_at": datetime.datetime(2022, 12, 15, 9, 0, tzinfo=datetime.UTC),
        "modules": ["yska", "korvakipu"],
        "sections": {
            "starting_point": "Käyttöönotto tehtiin vuosina 2021–2022 neljässä syklissä.",
            "solution": "Ensin sitoutetaan organisaatiot ja esihenkilöt, sitten valitaan sisällöt tarpeen "
            "mukaan. Pääkäyttäjät, ammattilaiset ja esihenkilöt nimetään ennen ensimmäistä valmennusta.\n\n"
            + EXAMPLE_PHASES_NOTE,
        },
        "links": [],
    },
]

SERVICE_AREAS = {
    "09": [
        ("vastaanottopalvelut", "Vastaanottopalvelut", "Mottagningstjänster", "Reception services"),
        ("suun-terveys", "Suun terveydenhuolto", "Munhälsovård", "Oral health care"),
    ],
    "14": [
        ("vastaanottopalvelut", "Vastaanottopalvelut", "Mottagningstjänster", "Reception services"),
        (
            "mielenterveys-ja-paihde",
            "Mielenterveys- ja päihdepalvelut",
            "Mentalvårds- och missbrukartjänster",
            "Mental health and substance abuse services",
        ),
    ],
    "21": [("vastaanottopalvelut", "Vastaanottopalvelut", "Mottagningstjänster", "Reception services")],
}

# (county, module, service area code or None, process slug or None, status, pilot, go-live, ended, phase number)
ROLLOUTS = [
    (
        "14",
        "virtsatietulehdus",
        None,
        "omaolo-pohjois-karjala",
        "ended",
        datetime.date(2018, 3, 5),
        datetime.date(2018, 5, 7),
        datetime.date(2024, 6, 30),
        7,
    ),
    (
        "14",
        "hengitystietulehdus",
        "vastaanottopalvelut",
        "omaolo-pohjois-karjala",
        "ended",
        datetime.date(2019, 1, 7),
        datetime.date(2019, 2, 4),
        datetime.date(2024, 6, 30),
        7,
    ),
    (
        "14",
        "asiointiaiheet",
        "mielenterveys-ja-paihde",
        "omaolo-pohjois-karjala",
        "ended",
        datetime.date(2022, 2, 7),
        datetime.date(2022, 4, 4),
        datetime.date(2024, 6, 30),
        7,
    ),
    (
        "09",
        "hyvinvointitarkastus",
        None,
        "omaolo-kayttoonoton-vaiheet-paijat-hame",
        "in_use",
        datetime.date(2023, 9, 4),
        datetime.date(2023, 11, 6),
        None,
        7,
    ),
    (
        "09",
        "kurkkukipu",
        "vastaanottopalvelut",
        "omaolo-kayttoonoton-vaiheet-paijat-hame",
        "piloting",
        datetime.date(2026, 9, 7),
        None,
        None,
        5,
    ),
    ("09", "omaishoidon-tuki", None, "omaolo-kayttoonoton-vaiheet-paijat-hame", "planned", None, None, None, 2),
    (
        "21",
        "yska",
        "vastaanottopalvelut",
        None,
        "in_use",
        datetime.date(2021, 3, 1),
        datetime.date(2021, 4, 12),
        None,
        None,
    ),
    ("21", "korvakipu", None, None, "in_use", datetime.date(2022, 1, 10), datetime.date(2022, 2, 14), None, None),
    (
        "08",
        "virtsatietulehdus",
        None,
        "omaolo-kayttoonoton-vaiheet-paijat-hame",
        "in_use",
        datetime.date(2024, 1, 8),
        datetime.date(2024, 3, 4),
        None,
        7,
    ),
    ("05", "hengitystietulehdus", None, None, "planned", None, None, None, None),
    (
        "90",
        "sahkoinen-terveystarkastus",
        None,
        None,
        "in_use",
        datetime.date(2022, 8, 1),
        datetime.date(2022, 9, 5),
        None,
        None,
    ),
]
