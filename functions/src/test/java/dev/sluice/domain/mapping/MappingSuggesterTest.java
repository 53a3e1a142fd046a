package dev.sluice.domain.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.domain.mapping.HeaderSynonyms.Language;
import dev.sluice.domain.mapping.MappingSuggestion.Conflict;
import dev.sluice.domain.mapping.MappingSuggestion.Suggested;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MappingSuggesterTest {

    /** Header rows written after the exports of Google Ads, Meta, Microsoft Ads, LinkedIn and TikTok. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        English Google Ads|Day,Campaign,Campaign type,Cost,Clicks,Impr.,Conversions,Currency code|\
        date=Day;campaign=Campaign;spend=Cost;clicks=Clicks;impressions=Impr.;conversions=Conversions
        English Microsoft Ads|Date,Campaign name,Network,Spend,Clicks,Impressions,Conversions|\
        date=Date;campaign=Campaign name;channel=Network;spend=Spend;clicks=Clicks;impressions=Impressions;\
        conversions=Conversions
        English LinkedIn|Start Date (in UTC),Campaign Name,Campaign ID,Total Spent,Clicks,Impressions,Conversions|\
        date=Start Date (in UTC);campaign=Campaign Name;spend=Total Spent;clicks=Clicks;impressions=Impressions;\
        conversions=Conversions
        English TikTok|Date,Campaign name,Cost,Clicks (destination),Impressions,Conversions|\
        date=Date;campaign=Campaign name;spend=Cost;clicks=Clicks (destination);impressions=Impressions;\
        conversions=Conversions
        English Meta|Reporting starts,Reporting ends,Campaign name,Platform,Amount spent (USD),Link clicks,Results,\
        Impressions|date=Reporting starts;campaign=Campaign name;channel=Platform;spend=Amount spent (USD);\
        clicks=Link clicks;conversions=Results;impressions=Impressions
        German Google Ads|Tag,Kampagne,Kanal,Kosten,Klicks,Impr.,Conversions|date=Tag;campaign=Kampagne;\
        channel=Kanal;spend=Kosten;clicks=Klicks;impressions=Impr.;conversions=Conversions
        German Meta|Beginn des Berichtszeitraums,Ende des Berichtszeitraums,Name der Kampagne,Plattform,\
        Ausgegebener Betrag (EUR),Link-Klicks,Ergebnisse,Impressionen|date=Beginn des Berichtszeitraums;\
        campaign=Name der Kampagne;channel=Plattform;spend=Ausgegebener Betrag (EUR);clicks=Link-Klicks;\
        conversions=Ergebnisse;impressions=Impressionen
        German spreadsheet|Datum,Kampagne,Quelle / Medium,Kosten in EUR,Klicks|date=Datum;campaign=Kampagne;\
        channel=Quelle / Medium;spend=Kosten in EUR;clicks=Klicks
        French Google Ads|Jour,Campagne,Canal,Coût,Clics,Impr.,Conversions|date=Jour;campaign=Campagne;\
        channel=Canal;spend=Coût;clicks=Clics;impressions=Impr.;conversions=Conversions
        French Meta|Début des rapports,Fin des rapports,Nom de la campagne,Plateforme,Montant dépensé (EUR),\
        Clics sur un lien,Résultats,Impressions|date=Début des rapports;campaign=Nom de la campagne;\
        channel=Plateforme;spend=Montant dépensé (EUR);clicks=Clics sur un lien;conversions=Résultats;\
        impressions=Impressions
        Spanish Google Ads|Día,Campaña,Red,Coste,Clics,Impr.,Conversiones|date=Día;campaign=Campaña;channel=Red;\
        spend=Coste;clicks=Clics;impressions=Impr.;conversions=Conversiones
        Spanish Meta|Inicio del informe,Fin del informe,Nombre de la campaña,Plataforma,Importe gastado (EUR),\
        Clics en el enlace,Resultados,Impresiones|date=Inicio del informe;campaign=Nombre de la campaña;\
        channel=Plataforma;spend=Importe gastado (EUR);clicks=Clics en el enlace;conversions=Resultados;\
        impressions=Impresiones
        Spanish Latin America|Fecha,Campaña,Fuente,Costo (MXN),Clics,Impresiones|date=Fecha;campaign=Campaña;\
        channel=Fuente;spend=Costo (MXN);clicks=Clics;impressions=Impresiones
        Italian Google Ads|Giorno,Campagna,Canale,Costo,Clic,Impr.,Conversioni|date=Giorno;campaign=Campagna;\
        channel=Canale;spend=Costo;clicks=Clic;impressions=Impr.;conversions=Conversioni
        Italian Meta|Inizio dei report,Nome della campagna,Piattaforma,Importo speso (EUR),Clic sul link,Risultati,\
        Impressioni|date=Inizio dei report;campaign=Nome della campagna;channel=Piattaforma;\
        spend=Importo speso (EUR);clicks=Clic sul link;conversions=Risultati;impressions=Impressioni
        Dutch Google Ads|Dag,Campagne,Kanaal,Kosten,Klikken,Vertoningen,Conversies|date=Dag;campaign=Campagne;\
        channel=Kanaal;spend=Kosten;clicks=Klikken;impressions=Vertoningen;conversions=Conversies
        Dutch Meta|Begin van rapportage,Campagnenaam,Platform,Besteed bedrag (EUR),Linkklikken,Resultaten,\
        Weergaven|date=Begin van rapportage;campaign=Campagnenaam;channel=Platform;spend=Besteed bedrag (EUR);\
        clicks=Linkklikken;conversions=Resultaten;impressions=Weergaven
        Portuguese Google Ads|Dia,Campanha,Rede,Custo,Cliques,Impr.,Conversões|date=Dia;campaign=Campanha;\
        channel=Rede;spend=Custo;clicks=Cliques;impressions=Impr.;conversions=Conversões
        Portuguese Meta|Início dos relatórios,Nome da campanha,Plataforma,Valor usado (BRL),Cliques no link,\
        Resultados,Impressões|date=Início dos relatórios;campaign=Nome da campanha;channel=Plataforma;\
        spend=Valor usado (BRL);clicks=Cliques no link;conversions=Resultados;impressions=Impressões
        Shouted without accents|FECHA,CAMPANA,CANAL,COUT,IMPRESSOES|date=FECHA;campaign=CAMPANA;channel=CANAL;\
        spend=COUT;impressions=IMPRESSOES
        Currency codes and totals|Date,Campaign,Channel,Cost EUR,Spend in USD,Total clicks,All conv.|date=Date;\
        campaign=Campaign;channel=Channel;spend=Spend in USD;clicks=Total clicks;conversions=All conv.
        """)
    void realExportHeadersAreMappedByName(String export, String header, String expected) {
        MappingSuggestion suggestion = MappingSuggester.suggest(List.of(header.split(",")), List.of());
        Map<String, String> actual = new LinkedHashMap<>();
        suggestion.fields().forEach((field, s) -> actual.put(field.fieldName(), s.header()));
        Map<String, String> wanted = new LinkedHashMap<>();
        for (String pair : expected.split(";")) {
            String[] parts = pair.split("=", 2);
            wanted.put(parts[0], parts[1]);
        }
        assertEquals(wanted, actual, export);
        suggestion.fields().values().forEach(s -> assertTrue(s.confidence() >= MappingSuggestion.APPLIED,
                export + ": a name is applied by an import: " + s));
    }

    @Test
    void theReasonNamesTheLanguageAndTheValuesMoveTheConfidence() {
        Suggested byName = MappingSuggester.suggest(List.of("Tag"), List.of()).fields().get(CanonicalField.DATE);
        assertEquals(new Suggested("Tag", 0.95, "German name for date"), byName);
        Suggested withDates = MappingSuggester.suggest(List.of("Tag"), rows("01.03.2024", "02.03.2024"))
                .fields().get(CanonicalField.DATE);
        assertEquals(new Suggested("Tag", 0.98, "German name for date; the values are dates"), withDates);
        Suggested withWords = MappingSuggester.suggest(List.of("Tag"), rows("summer", "brand"))
                .fields().get(CanonicalField.DATE);
        assertEquals(new Suggested("Tag", 0.65, "German name for date, but the values are labels"), withWords);
        Suggested shared = MappingSuggester.suggest(List.of("Kosten"), List.of()).fields().get(CanonicalField.SPEND);
        assertEquals("German or Dutch name for spend", shared.reason());
        Suggested loose = MappingSuggester.suggest(List.of("Cost in EUR"), List.of()).fields()
                .get(CanonicalField.SPEND);
        assertEquals(new Suggested("Cost in EUR", 0.94, "English name for spend (\"Cost\" with the currency EUR)"),
                loose);
    }

    @Test
    void columnsWithUnknownNamesAreMappedFromTheirValuesAtLowConfidence() {
        List<String> header = List.of("Col1", "Col2", "Col3", "Col4", "Col5", "Col6");
        List<List<String>> rows = new ArrayList<>();
        String[] campaigns = {"Brand", "Spring Sale", "Retargeting", "Lead Gen"};
        String[] platforms = {"google", "facebook", "google", "bing"};
        for (int i = 0; i < 8; i++) {
            rows.add(List.of("2024-03-0" + (i + 1), campaigns[i % 4], platforms[i % 4], "€ " + (100 + i) + ",50",
                    String.valueOf(10_000 + i * 37), String.valueOf(50 + i)));
        }
        MappingSuggestion suggestion = MappingSuggester.suggest(header, rows);
        Map<CanonicalField, Suggested> fields = suggestion.fields();
        assertEquals(new Suggested("Col1", 0.55, "no known name; the values are dates (8 of 8)"),
                fields.get(CanonicalField.DATE));
        assertEquals("Col2", fields.get(CanonicalField.CAMPAIGN).header());
        assertEquals("Col3", fields.get(CanonicalField.CHANNEL).header());
        assertEquals("Col4", fields.get(CanonicalField.SPEND).header());
        assertEquals("Col5", fields.get(CanonicalField.IMPRESSIONS).header(), "the larger whole numbers");
        assertEquals("Col6", fields.get(CanonicalField.CLICKS).header());
        fields.values().forEach(s -> assertTrue(s.confidence() <= 0.55, s.toString()));
        assertEquals(List.of(), suggestion.unmapped());
        assertEquals(List.of(), suggestion.conflicts());
        // Only the date column and the platform names are sure enough for an import to apply by itself.
        assertEquals(Map.of(CanonicalField.DATE, "Col1", CanonicalField.CHANNEL, "Col3"),
                suggestion.applied().columns());
    }

    @Test
    void aColumnOfDatesWithAnUnknownNameIsTheDateOnlyWhenNoNameSaysDate() {
        List<List<String>> rows = List.of(List.of("2024-03-01", "2024-03-07", "x"),
                List.of("2024-03-08", "2024-03-14", "y"));
        MappingSuggestion named = MappingSuggester.suggest(List.of("Reporting starts", "Reporting ends", "Note"),
                rows);
        assertEquals("Reporting starts", named.fields().get(CanonicalField.DATE).header());
        assertEquals(List.of(), named.conflicts(), "a name beats a guess without a conflict");
        assertTrue(named.unmapped().contains("Reporting ends"));
        MappingSuggestion unnamed = MappingSuggester.suggest(List.of("From", "To", "Note"), rows);
        assertEquals("From", unnamed.fields().get(CanonicalField.DATE).header());
        assertEquals(List.of(new Conflict(CanonicalField.DATE, List.of("From", "To"))), unnamed.conflicts());
    }

    @Test
    void costAndSpendBothPresentIsAConflictAndTheOtherStaysUnmapped() {
        MappingSuggestion suggestion = MappingSuggester.suggest(
                List.of("Date", "Campaign", "Channel", "Cost", "Spend"), List.of());
        assertEquals("Spend", suggestion.fields().get(CanonicalField.SPEND).header());
        assertEquals(List.of(new Conflict(CanonicalField.SPEND, List.of("Spend", "Cost"))), suggestion.conflicts());
        assertEquals(List.of("Cost"), suggestion.unmapped());
        assertFalse(suggestion.mapping().columns().containsValue("Cost"));
    }

    @Test
    void valuesBreakATieBetweenTwoNamesForOneField() {
        List<List<String>> rows = List.of(List.of("Brand", "01.03.2024"), List.of("Sale", "02.03.2024"));
        MappingSuggestion suggestion = MappingSuggester.suggest(List.of("Tag", "Datum"), rows);
        assertEquals("Datum", suggestion.fields().get(CanonicalField.DATE).header());
        assertEquals(List.of(new Conflict(CanonicalField.DATE, List.of("Datum", "Tag"))), suggestion.conflicts());
        assertEquals(List.of("Tag"), suggestion.unmapped(), "the loser is not guessed into campaign");
    }

    @Test
    void wholeNumbersAndLabelsAreNotGuessedWhenMoreColumnsFitThanFieldsAreFree() {
        List<List<String>> rows = List.of(List.of("2024-03-01", "a", "b", "c", "1", "2", "3", "4"),
                List.of("2024-03-02", "d", "e", "f", "5", "6", "7", "8"));
        MappingSuggestion suggestion = MappingSuggester.suggest(
                List.of("Date", "Campaign", "L1", "L2", "Clicks", "N1", "N2", "N3"), rows);
        assertEquals(Set.of(CanonicalField.DATE, CanonicalField.CAMPAIGN, CanonicalField.CLICKS),
                suggestion.fields().keySet(), "two label columns for channel, three number columns for two fields");
        assertEquals(List.of("L1", "L2", "N1", "N2", "N3"), suggestion.unmapped());
    }

    @Test
    void identifierColumnsAreNotGuessedFromTheirNumbers() {
        MappingSuggestion suggestion = MappingSuggester.suggest(List.of("Date", "Campaign ID"),
                List.of(List.of("2024-03-01", "123456789"), List.of("2024-03-02", "987654321")));
        assertEquals(List.of("Campaign ID"), suggestion.unmapped());
    }

    @Test
    void everyLanguageNamesEveryField() {
        for (CanonicalField field : CanonicalField.values()) {
            Set<Language> languages = EnumSet.noneOf(Language.class);
            HeaderSynonyms.of(field).forEach(s -> languages.addAll(s.languages()));
            assertEquals(EnumSet.allOf(Language.class), languages, field.fieldName());
        }
    }

    @Test
    void theFormerEnglishNamesKeepTheirOrder() {
        assertEquals(List.of("Date", "Day", "Reporting starts", "Report date"),
                HeaderMatcher.synonymsOf(CanonicalField.DATE).subList(0, 4));
        List<String> channel = HeaderMatcher.synonymsOf(CanonicalField.CHANNEL);
        List<String> former = List.of("Channel", "Source / medium", "Source", "Medium", "Platform", "Network");
        assertEquals(former, channel.stream().filter(former::contains).toList());
        assertEquals(List.of("Spend", "Cost", "Amount spent"), HeaderMatcher.synonymsOf(CanonicalField.SPEND)
                .subList(0, 3));
        List<String> conversions = HeaderMatcher.synonymsOf(CanonicalField.CONVERSIONS);
        assertEquals(List.of("Conversions", "Results", "Purchases", "Conv."), conversions);
    }

    /** Fixed-seed fuzz: whatever the header and values, no field gets two columns and no column two fields. */
    @Test
    void neverTwoHeadersForOneFieldAndEveryNamedLoserIsAConflict() {
        List<String> names = new ArrayList<>();
        for (CanonicalField field : CanonicalField.values()) {
            names.addAll(HeaderSynonyms.namesOf(field));
        }
        names.addAll(List.of("Col", "Notes", "Ad group", "Total cost", "Cost EUR", "Campaign ID", "Reach"));
        String[] values = {"2024-03-01", "01.03.2024", "google", "Brand", "12.50", "€ 3,20", "1,204", "7", "", "5%"};
        Random random = new Random(20261202);
        for (int round = 0; round < 2000; round++) {
            int columns = 1 + random.nextInt(10);
            List<String> header = new ArrayList<>();
            for (int c = 0; c < columns; c++) {
                header.add(names.get(random.nextInt(names.size())) + (random.nextInt(4) == 0 ? " " + c : ""));
            }
            List<List<String>> rows = new ArrayList<>();
            for (int r = random.nextInt(6); r > 0; r--) {
                List<String> row = new ArrayList<>();
                for (int c = 0; c < columns; c++) {
                    row.add(values[random.nextInt(values.length)]);
                }
                rows.add(row);
            }
            MappingSuggestion suggestion = MappingSuggester.suggest(header, rows);
            Set<String> mapped = new HashSet<>();
            suggestion.fields().values().forEach(s -> assertTrue(mapped.add(s.header()) || duplicate(header,
                    s.header()), () -> "one column, two fields: " + header + " -> " + suggestion));
            for (Conflict conflict : suggestion.conflicts()) {
                assertEquals(suggestion.fields().get(conflict.field()).header(), conflict.headers().get(0));
                conflict.headers().subList(1, conflict.headers().size()).forEach(h -> assertTrue(
                        suggestion.unmapped().contains(h), () -> h + " lost " + conflict + " yet is mapped: "
                                + suggestion));
            }
            // Each column is either the one column of one field or unmapped.
            assertEquals(header.size(), suggestion.fields().size() + suggestion.unmapped().size(),
                    () -> header + " -> " + suggestion);
        }
    }

    private static boolean duplicate(List<String> header, String name) {
        return header.stream().filter(name::equals).count() > 1;
    }

    private static List<List<String>> rows(String... values) {
        return java.util.Arrays.stream(values).map(List::of).toList();
    }
}
