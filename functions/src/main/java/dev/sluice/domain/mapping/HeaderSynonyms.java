package dev.sluice.domain.mapping;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The header names ad platforms (Google Ads, Meta, Microsoft Ads, LinkedIn, TikTok, Google Analytics) and
 * spreadsheets use for each canonical field, in the seven languages their exports come in.
 *
 * <p>Per field the names are listed best first: a file with both {@code Channel} and {@code Source} maps
 * {@code Channel}. The English names come first within each tier so an English export maps as it always has.
 * Names are compared after {@link HeaderMatcher#normalize(String)}, so one entry covers every spelling that differs
 * only in case, accents, spaces or punctuation ({@code Coût}, {@code COUT}, {@code coût}); no normalized name
 * appears under two fields (a test checks), so a header suggests at most one field by name.
 *
 * <p>The web app keeps a copy of these lists in {@code web/js/mapping.js} ({@code SYNONYMS}); a test compares the
 * two.
 */
public final class HeaderSynonyms {
    /** A language an export's header can be in. */
    public enum Language {
        ENGLISH, GERMAN, FRENCH, SPANISH, ITALIAN, DUTCH, PORTUGUESE;

        public String displayName() {
            String name = name();
            return name.charAt(0) + name.substring(1).toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One recognized name.
     *
     * @param rank position in its field's list (0 = best); decides between two columns named for one field
     * @param tier how directly the name says the field: 0 is the field's own word ({@code Cost}, {@code Kosten}),
     *             higher tiers are weaker ({@code Network} for channel); sets the confidence of a name match
     */
    public record Synonym(CanonicalField field, String name, int rank, int tier, Set<Language> languages) {
        public Synonym {
            languages = Collections.unmodifiableSet(EnumSet.copyOf(languages));
        }

        /** "German", "German or Dutch", "English, French or Spanish". */
        public String languageNames() {
            List<String> names = languages.stream().map(Language::displayName).toList();
            if (names.size() == 1) {
                return names.get(0);
            }
            return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
        }
    }

    private static final Language EN = Language.ENGLISH;
    private static final Language DE = Language.GERMAN;
    private static final Language FR = Language.FRENCH;
    private static final Language ES = Language.SPANISH;
    private static final Language IT = Language.ITALIAN;
    private static final Language NL = Language.DUTCH;
    private static final Language PT = Language.PORTUGUESE;

    private static final Map<CanonicalField, List<Synonym>> BY_FIELD = new EnumMap<>(CanonicalField.class);
    private static final Map<String, Synonym> BY_NORMALIZED_NAME = new HashMap<>();

    static {
        field(CanonicalField.DATE,
                tier(0, n("Date", EN, FR), n("Day", EN), n("Datum", DE, NL), n("Tag", DE), n("Jour", FR),
                        n("Fecha", ES), n("Día", ES, PT), n("Data", IT, PT), n("Giorno", IT), n("Dag", NL)),
                tier(1, n("Reporting starts", EN), n("Report date", EN), n("Date start", EN), n("Segments date", EN),
                        n("Start date", EN), n("Beginn des Berichtszeitraums", DE), n("Berichtsdatum", DE),
                        n("Début des rapports", FR), n("Date du rapport", FR), n("Inicio del informe", ES),
                        n("Fecha del informe", ES), n("Inizio dei report", IT), n("Data del report", IT),
                        n("Begin van rapportage", NL), n("Rapportagedatum", NL), n("Início dos relatórios", PT),
                        n("Data do relatório", PT)),
                tier(2, n("Week", EN, NL), n("Woche", DE), n("Semaine", FR), n("Semana", ES, PT),
                        n("Settimana", IT)));
        field(CanonicalField.CAMPAIGN,
                tier(0, n("Campaign", EN), n("Campaign name", EN), n("Kampagne", DE), n("Kampagnenname", DE),
                        n("Name der Kampagne", DE), n("Campagne", FR, NL), n("Nom de la campagne", FR),
                        n("Campaña", ES), n("Nombre de la campaña", ES), n("Campagna", IT), n("Nome campagna", IT),
                        n("Nome della campagna", IT), n("Campagnenaam", NL), n("Naam van campagne", NL),
                        n("Campanha", PT), n("Nome da campanha", PT)));
        field(CanonicalField.CHANNEL,
                tier(0, n("Channel", EN), n("Kanal", DE), n("Canal", FR, ES, PT), n("Canale", IT),
                        n("Kanaal", NL)),
                tier(1, n("Source / medium", EN), n("Quelle / Medium", DE), n("Source / support", FR),
                        n("Fuente / medio", ES), n("Sorgente / mezzo", IT), n("Bron / medium", NL),
                        n("Origem / mídia", PT)),
                tier(2, n("Source", EN, FR), n("Quelle", DE), n("Fuente", ES), n("Sorgente", IT), n("Bron", NL),
                        n("Origem", PT)),
                tier(3, n("Medium", EN, DE, NL), n("Support", FR), n("Medio", ES), n("Mezzo", IT), n("Mídia", PT)),
                tier(3, n("Platform", EN, NL), n("Publisher platform", EN), n("Plattform", DE),
                        n("Plateforme", FR), n("Plataforma", ES, PT), n("Piattaforma", IT)),
                tier(3, n("Network", EN), n("Netzwerk", DE), n("Réseau", FR), n("Red", ES), n("Rete", IT),
                        n("Netwerk", NL), n("Rede", PT)));
        field(CanonicalField.SPEND,
                tier(0, n("Spend", EN), n("Cost", EN), n("Kosten", DE, NL), n("Ausgaben", DE), n("Coût", FR),
                        n("Dépenses", FR), n("Coste", ES), n("Costo", ES, IT), n("Gasto", ES, PT), n("Spesa", IT),
                        n("Uitgaven", NL), n("Custo", PT), n("Investimento", PT)),
                tier(1, n("Amount spent", EN), n("Total spent", EN), n("Total spend", EN), n("Total cost", EN),
                        n("Ausgegebener Betrag", DE), n("Gesamtkosten", DE), n("Montant dépensé", FR),
                        n("Coût total", FR), n("Importe gastado", ES), n("Coste total", ES), n("Importo speso", IT),
                        n("Costo totale", IT), n("Besteed bedrag", NL), n("Totale kosten", NL),
                        n("Valor usado", PT), n("Valor gasto", PT), n("Custo total", PT)),
                tier(2, n("Media cost", EN), n("Ad spend", EN), n("Mediakosten", DE, NL), n("Coût média", FR),
                        n("Coste de medios", ES), n("Costo media", IT), n("Custo de mídia", PT)));
        field(CanonicalField.CLICKS,
                tier(0, n("Clicks", EN, ES), n("Klicks", DE), n("Clics", FR, ES), n("Clic", IT), n("Klikken", NL),
                        n("Cliques", PT)),
                tier(1, n("Link clicks", EN), n("Total clicks", EN), n("Link-Klicks", DE), n("Klicks auf Link", DE),
                        n("Clics sur un lien", FR), n("Clics sur le lien", FR), n("Clics en el enlace", ES),
                        n("Clic sul link", IT), n("Linkklikken", NL), n("Klikken op link", NL),
                        n("Cliques no link", PT)));
        field(CanonicalField.CONVERSIONS,
                tier(0, n("Conversions", EN, FR, DE), n("Konversionen", DE), n("Conversiones", ES),
                        n("Conversioni", IT), n("Conversies", NL), n("Conversões", PT)),
                tier(1, n("Results", EN), n("Purchases", EN), n("Conv.", EN, DE, FR, ES, IT, NL, PT),
                        n("Ergebnisse", DE), n("Käufe", DE), n("Résultats", FR), n("Achats", FR),
                        n("Resultados", ES, PT), n("Compras", ES, PT), n("Risultati", IT), n("Acquisti", IT),
                        n("Resultaten", NL), n("Aankopen", NL)));
        field(CanonicalField.IMPRESSIONS,
                tier(0, n("Impressions", EN, FR), n("Impr.", EN, DE, FR, ES, IT, NL, PT), n("Impressionen", DE),
                        n("Impresiones", ES), n("Impressioni", IT), n("Vertoningen", NL), n("Impressies", NL),
                        n("Weergaven", NL), n("Impressões", PT)));
    }

    private HeaderSynonyms() {
    }

    /** A name before its rank is known. */
    private record Named(String name, Set<Language> languages, int tier) {
    }

    private static Named n(String name, Language first, Language... more) {
        return new Named(name, EnumSet.of(first, more), -1);
    }

    private static List<Named> tier(int tier, Named... names) {
        List<Named> list = new ArrayList<>();
        for (Named named : names) {
            list.add(new Named(named.name(), named.languages(), tier));
        }
        return list;
    }

    /**
     * Ranks the names in tier order, so a better rank never has a lower confidence; within a tier the English names
     * come first, so the English names keep the order Sluice always matched them in.
     */
    @SafeVarargs
    private static void field(CanonicalField field, List<Named>... tiers) {
        List<Named> all = new ArrayList<>();
        for (List<Named> tier : tiers) {
            all.addAll(tier);
        }
        List<Synonym> synonyms = new ArrayList<>();
        for (Named named : all) {
            Synonym synonym = new Synonym(field, named.name(), synonyms.size(), named.tier(), named.languages());
            if (BY_NORMALIZED_NAME.putIfAbsent(HeaderMatcher.normalize(named.name()), synonym) != null) {
                throw new IllegalStateException("header name listed twice: " + named.name());
            }
            synonyms.add(synonym);
        }
        BY_FIELD.put(field, List.copyOf(synonyms));
    }

    /** A field's names, best first. */
    public static List<Synonym> of(CanonicalField field) {
        return BY_FIELD.get(field);
    }

    /** The names of a field, best first, as written in exports. */
    public static List<String> namesOf(CanonicalField field) {
        return of(field).stream().map(Synonym::name).collect(Collectors.toUnmodifiableList());
    }

    /** The name a normalized header is, if it is one. */
    public static Optional<Synonym> byNormalizedName(String normalized) {
        return Optional.ofNullable(BY_NORMALIZED_NAME.get(normalized));
    }
}
