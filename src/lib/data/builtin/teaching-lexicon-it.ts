/** Italian word bank of the teaching set; parallel to the other teaching-lexicon-*.ts (written for MarkerLab). */
import type { TeachingLexicon } from './teaching-types';

// Italian drops the subject pronoun, like Spanish; "su" merges with the article (sulla, sul, sull').
const e = (S: string, A: string): { S: string; O: string; A: string; P: string } => ({ S, O: S, A, P: '' });

export const IT: TeachingLexicon = {
  lang: 'Italian',
  entities: {
    moon: e('la Luna', 'sulla Luna'), sun: e('il Sole', 'sul Sole'), ocean: e("l'oceano", "sull'oceano"),
    rain: e('la pioggia', 'sulla pioggia'), forest: e('la foresta', 'sulla foresta'),
    computer: e('il computer', 'sul computer'), bridge: e('il ponte', 'sul ponte'), train: e('il treno', 'sul treno'),
    phone: e('il telefono', 'sul telefono'), robot: e('il robot', 'sul robot'),
    music: e('la musica', 'sulla musica'), theatre: e('il teatro', 'sul teatro'), painting: e('la pittura', 'sulla pittura'),
    library: e('la biblioteca', 'sulla biblioteca'), cinema: e('il cinema', 'sul cinema'),
    heart: e('il cuore', 'sul cuore'), sleep: e('il sonno', 'sul sonno'), vaccine: e('il vaccino', 'sul vaccino'),
    contract: e('il contratto', 'sul contratto'), court: e('il tribunale', 'sul tribunale'), law: e('la legge', 'sulla legge'),
  },
  experts: { Sciences: 'Gli scienziati', Technology: 'Gli ingegneri', Culture: 'Gli artisti', Medical: 'I medici', Legal: 'Gli avvocati' },
  predicates: {
    Sciences: [
      "cambia con le stagioni dell'anno",
      'influenza la vita delle piante e degli animali',
      'segue le leggi della natura',
      'ha un effetto sul clima',
      'è qui da tantissimi anni',
    ],
    Technology: [
      'ci fa risparmiare molto tempo',
      'ha bisogno della cura degli esperti',
      'collega le persone e i luoghi',
      'consuma molta energia ogni giorno',
      'migliora ogni anno',
    ],
    Culture: [
      'unisce le persone di ogni età',
      'racconta le storie della nostra vita',
      'ha una lunga storia in Europa',
      'attira molti visitatori',
      'cambia il nostro modo di vedere il mondo',
    ],
    Medical: [
      'protegge la salute di tutti',
      'conta per ogni paziente',
      'mantiene il corpo forte e sano',
      "richiede l'attenzione dei medici",
    ],
    Legal: [
      'protegge i diritti dei cittadini',
      'segue regole molto severe',
      'risolve molte dispute',
      'deve trattare tutti allo stesso modo',
    ],
    Any: [
      'ha una storia lunga e ricca',
      'conta per le persone di tutto il mondo',
      'è il tema di molti libri e film',
      'ci riserva ancora molte sorprese nel futuro',
      'fa parte della vita di tutti i giorni',
    ],
  },
  frames: [
    'Molte persone vogliono sapere di più {A}.',
    'Tutti possono imparare qualcosa di nuovo {A}.',
    'I bambini leggono volentieri i libri {A}.',
    '{E} studiano {O} con molta attenzione.',
    '{E} scrivono spesso articoli {A}.',
    '{E} hanno ogni anno nuove idee {A}.',
  ],
  prompts: {
    qa: ['Dimmi qualcosa {A}.', 'Cosa sai {A}?', 'Che cosa sai dirmi {A}?'],
    explain: ['Spiega cosa sappiamo {A}.', 'Perché imparare qualcosa {A}?'],
    list: ['Elenca alcuni fatti {A}.', 'Dammi un elenco di fatti {A}.'],
    json: ['Fatti {A} in JSON.', 'Dammi dei fatti {A} in JSON.'],
    table: ['Una tabella di fatti {A}.', 'Fai una tabella {A}.'],
  },
  tableHeader: 'Fatto',
};
