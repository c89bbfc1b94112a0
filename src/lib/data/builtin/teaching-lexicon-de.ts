/** German word bank of the teaching set; parallel to the other teaching-lexicon-*.ts (written for MarkerLab). */
import type { TeachingLexicon } from './teaching-types';

type Gender = 'm' | 'f' | 'n';
const ARTICLE: Record<Gender, { S: string; O: string; P: string }> = {
  m: { S: 'der', O: 'den', P: 'er' },
  f: { S: 'die', O: 'die', P: 'sie' },
  n: { S: 'das', O: 'das', P: 'es' },
};
/** Nominative, accusative, "über" + accusative, and the pronoun, from the noun and its gender. */
const e = (noun: string, g: Gender): { S: string; O: string; A: string; P: string } => {
  const a = ARTICLE[g];
  return { S: `${a.S} ${noun}`, O: `${a.O} ${noun}`, A: `über ${a.O} ${noun}`, P: a.P };
};

export const DE: TeachingLexicon = {
  lang: 'German',
  entities: {
    moon: e('Mond', 'm'), sun: e('Sonne', 'f'), ocean: e('Ozean', 'm'), rain: e('Regen', 'm'), forest: e('Wald', 'm'),
    computer: e('Computer', 'm'), bridge: e('Brücke', 'f'), train: e('Zug', 'm'), phone: e('Telefon', 'n'), robot: e('Roboter', 'm'),
    music: e('Musik', 'f'), theatre: e('Theater', 'n'), painting: e('Malerei', 'f'), library: e('Bibliothek', 'f'), cinema: e('Kino', 'n'),
    heart: e('Herz', 'n'), sleep: e('Schlaf', 'm'), vaccine: e('Impfung', 'f'),
    contract: e('Vertrag', 'm'), court: e('Gericht', 'n'), law: e('Gesetz', 'n'),
  },
  experts: { Sciences: 'Forscher', Technology: 'Ingenieure', Culture: 'Künstler', Medical: 'Ärzte', Legal: 'Juristen' },
  predicates: {
    Sciences: [
      'ändert sich mit den Jahreszeiten',
      'prägt das Leben der Pflanzen und Tiere',
      'folgt den Gesetzen der Natur',
      'hat einen Einfluss auf das Wetter',
      'existiert schon sehr lange',
    ],
    Technology: [
      'spart uns viel Zeit',
      'braucht die Pflege von Experten',
      'verbindet Menschen und Orte',
      'verbraucht jeden Tag viel Energie',
      'wird jedes Jahr besser',
    ],
    Culture: [
      'bringt Menschen zusammen',
      'erzählt die Geschichten unseres Lebens',
      'hat in Europa eine lange Geschichte',
      'zieht viele Besucher an',
      'verändert unseren Blick auf die Welt',
    ],
    Medical: [
      'schützt die Gesundheit von allen',
      'ist für jeden Patienten wichtig',
      'hält den Körper stark und gesund',
      'braucht die Aufmerksamkeit der Ärzte',
    ],
    Legal: [
      'schützt die Rechte der Bürger',
      'folgt strengen Regeln',
      'löst viele Streitfälle',
      'muss alle gleich behandeln',
    ],
    Any: [
      'hat eine lange und reiche Geschichte',
      'ist den Menschen der ganzen Welt wichtig',
      'ist das Thema vieler Bücher und Filme',
      'hält noch viele Überraschungen für uns bereit',
      'gehört zum Alltag von uns allen',
    ],
  },
  frames: [
    'Viele Menschen wollen mehr {A} wissen.',
    'Jeder kann etwas Neues {A} lernen.',
    'Kinder lesen gern die Bücher {A}.',
    '{E} untersuchen {O} mit großer Sorgfalt.',
    '{E} schreiben oft Artikel {A}.',
    '{E} haben jedes Jahr neue Ideen {A}.',
  ],
  prompts: {
    qa: ['Erzähl mir etwas {A}.', 'Was weißt du {A}?', 'Sag mir etwas {A}.'],
    explain: ['Erkläre, was wir {A} wissen.', 'Warum sollten wir etwas {A} lernen?'],
    list: ['Nenne einige Fakten {A}.', 'Gib mir eine Liste {A}.'],
    json: ['Fakten {A} als JSON.', 'Gib mir Fakten {A} als JSON.'],
    table: ['Eine Tabelle mit Fakten {A}.', 'Mach eine Tabelle {A}.'],
  },
  tableHeader: 'Fakt',
};
