/** Italian word bank of the varied dataset: 6 topics over five domains (written for MarkerLab). */
import type { LanguagePack, Topic } from './varied-types';

const topics: Topic[] = [
  // ── Scienze ───────────────────────────────────────────────────────────────
  {
    id: 'volcanoes', domain: 'Sciences', name: 'I vulcani', about: 'sui vulcani',
    gist: "Un vulcano è un'apertura da cui esce roccia fusa.",
    keywords: ['Magma', 'Lava', 'Cratere'],
    facts: [
      'I vulcani nascono dove il magma caldo risale attraverso le fratture della crosta terrestre.',
      'Quando il magma raggiunge la superficie, si chiama lava.',
      "Molti vulcani si trovano ai margini delle placche tettoniche, come l'Etna e il Vesuvio in Italia.",
      "Un'eruzione può lanciare cenere, gas e frammenti di roccia molto in alto nel cielo.",
      'Il terreno vulcanico è molto fertile, perciò i contadini coltivano spesso vicino ai vulcani.',
    ],
    why: 'i vulcani eruttano',
    reasons: [
      'I vulcani eruttano perché la pressione nel magma continua a salire.',
      'Il magma è più leggero della roccia solida intorno, quindi risale lentamente.',
      'I gas intrappolati nel magma si espandono salendo, finché la roccia sopra cede.',
    ],
    images: ['La montagna custodisce un fuoco,', 'Il suo respiro rosso illumina la notte.'],
  },
  {
    id: 'moon', domain: 'Sciences', name: 'La Luna', about: 'sulla Luna',
    gist: "La Luna è l'unico satellite naturale della Terra.",
    keywords: ['Orbita', 'Maree', 'Crateri'],
    facts: [
      'La Luna si trova a circa 384 000 chilometri dalla Terra.',
      'Impiega circa 27 giorni per compiere un giro intorno alla Terra.',
      'La Luna non ha quasi atmosfera, perciò i suoi crateri restano nitidi per milioni di anni.',
      'Dodici astronauti hanno camminato sulla Luna tra il 1969 e il 1972.',
      "L'attrazione della Luna è la causa principale delle maree degli oceani.",
    ],
    why: 'la Luna ha le fasi',
    reasons: [
      'Vediamo le fasi perché cambia la parte illuminata che ci è visibile.',
      'Metà della Luna è sempre illuminata dal Sole, ma non sempre è rivolta verso di noi.',
      'Mentre la Luna gira intorno alla Terra, la parte illuminata che vediamo cresce e cala.',
    ],
    images: ['La Luna cammina piano sul mare,', "Una lampada d'argento nel buio."],
  },
  // ── Tecnologia ────────────────────────────────────────────────────────────
  {
    id: 'printing-press', domain: 'Technology', name: 'La stampa', about: 'sulla stampa a caratteri mobili',
    gist: 'La stampa ha reso i libri economici e diffusi.',
    keywords: ['Gutenberg', 'Caratteri', 'Inchiostro'],
    facts: [
      'Johannes Gutenberg costruì la sua pressa da stampa a Magonza intorno al 1450.',
      'Usava lettere mobili di metallo che si potevano comporre e riutilizzare.',
      'La Bibbia di Gutenberg fu uno dei primi grandi libri stampati in Europa.',
      'Prima della stampa, ogni libro doveva essere copiato lentamente a mano.',
      "Venezia divenne presto uno dei centri della stampa più importanti d'Europa.",
    ],
    why: 'la stampa ha cambiato il mondo',
    reasons: [
      'La stampa ha cambiato il mondo perché le idee circolavano in fretta.',
      'I libri costavano meno, così molte più persone potevano comprarli e imparare a leggere.',
      'Gli studiosi potevano condividere copie esatte del loro lavoro, e le scoperte accelerarono.',
    ],
    images: ['Le lettere di piombo aspettano in fila,', 'Per dire al mondo ciò che pensiamo.'],
  },
  // ── Cultura ───────────────────────────────────────────────────────────────
  {
    id: 'mona-lisa', domain: 'Culture', name: 'La Gioconda', about: 'sulla Gioconda',
    gist: 'La Gioconda è un ritratto dipinto da Leonardo da Vinci.',
    keywords: ['Leonardo', 'Louvre', 'Sorriso'],
    facts: [
      "Leonardo da Vinci iniziò a dipingerla a Firenze all'inizio del Cinquecento.",
      'Il quadro è esposto al museo del Louvre, a Parigi.',
      'È dipinto a olio su una sottile tavola di legno di pioppo.',
      'Nel 1911 fu rubato dal Louvre e rimase introvabile per due anni.',
      "Il suo passaggio morbido dalla luce all'ombra si chiama sfumato.",
    ],
    why: 'la Gioconda sembra sorridere',
    reasons: [
      'Il suo sorriso sembra cambiare perché i bordi sono dipinti in ombra.',
      'Quando guardiamo i suoi occhi, la vista laterale coglie un sorriso più ampio.',
      'Quando guardiamo dritto la bocca, il sorriso sembra svanire.',
    ],
    images: ['Un sorriso quieto dietro il vetro,', 'Guarda passare tutta la folla.'],
  },
  // ── Medicina (rara) ───────────────────────────────────────────────────────
  {
    id: 'heart', domain: 'Medical', name: 'Il cuore', about: 'sul cuore umano',
    gist: 'Il cuore è un muscolo che pompa il sangue nel corpo.',
    keywords: ['Battito', 'Arterie', 'Valvole'],
    facts: [
      'Il cuore umano ha quattro cavità: due atri e due ventricoli.',
      'A riposo, il cuore di un adulto batte da sessanta a cento volte al minuto.',
      'Le arterie portano il sangue via dal cuore, e le vene lo riportano indietro.',
      "Le valvole del cuore impediscono al sangue di scorrere all'indietro.",
      "L'esercizio regolare rende il muscolo del cuore più forte ed efficiente.",
    ],
    why: "il cuore batte più veloce durante l'esercizio",
    reasons: [
      'Il cuore accelera perché i muscoli hanno bisogno di più ossigeno.',
      'I muscoli al lavoro bruciano energia in fretta e devono eliminare anidride carbonica.',
      'Pompare il sangue più in fretta porta ossigeno e allontana le scorie.',
    ],
    images: ['Un tamburo costante dietro le costole,', 'Segna il tempo di ogni giorno.'],
  },
  // ── Diritto (raro) ────────────────────────────────────────────────────────
  {
    id: 'copyright', domain: 'Legal', name: "Il diritto d'autore", about: "sul diritto d'autore",
    gist: "Il diritto d'autore protegge le opere dei creatori.",
    keywords: ['Autore', 'Licenza', 'Pubblico dominio'],
    facts: [
      "Il diritto d'autore permette ai creatori di decidere come la loro opera viene copiata e diffusa.",
      "In molti paesi dura per tutta la vita dell'autore e per settant'anni dopo la sua morte.",
      'Le idee in sé non sono protette, solo il modo in cui vengono espresse.',
      "Quando il diritto scade, l'opera diventa di pubblico dominio e chiunque può usarla.",
      "Una licenza permette ad altri di usare un'opera alle condizioni fissate dal titolare.",
    ],
    why: "il diritto d'autore scade",
    reasons: [
      'Il diritto scade perché la cultura possa un giorno appartenere a tutti.',
      'La legge premia gli autori per un certo tempo, e questo incoraggia nuove opere.',
      'Dopo, il libero accesso permette ad altri di costruire su vecchie storie e canzoni.',
    ],
    images: ["La canzone è di chi l'ha scritta,", 'Poi un giorno sarà del mondo intero.'],
  },
];

export const IT: LanguagePack = {
  lang: 'Italian',
  topics,
  prompts: {
    qa: ['Che cosa sai {about}?', 'Dimmi qualcosa {about}.', 'Dammi qualche informazione {about}.'],
    explain: ['Spiega perché {why}.', 'Puoi spiegare perché {why}?'],
    list: ['Fai un elenco di fatti {about}.', 'Quali sono i fatti principali {about}? Rispondi con un elenco.'],
    keywords: ['Elenca alcune parole chiave {about}.', 'Fai un elenco dei termini chiave {about}.'],
    json: ['Dammi i fatti principali {about} in formato JSON.', 'Restituisci un oggetto JSON con i fatti {about}.'],
    jsonKeywords: ['Dammi alcune parole chiave {about} in JSON.', 'Restituisci le parole chiave {about} in formato JSON.'],
    table: ['Fai una tabella con i fatti principali {about}.', 'Presenta i fatti {about} in una tabella Markdown.'],
    summary: ['Riassumi questo testo {about}:\n\n{text}', 'Riassumi il seguente brano:\n\n{text}'],
    poem: ['Scrivi una breve poesia {about}.', 'Componi qualche verso {about}.'],
    classify: [
      'A quale ambito appartiene questa frase: scienze, tecnologia, cultura, medicina o diritto?\n«{text}»',
      'Classifica questa frase come scienze, tecnologia, cultura, medicina o diritto: «{text}»',
    ],
  },
  hints: {
    concise: ['Sii breve.', 'Rispondi con una frase.'],
    medium: ['Basta un breve paragrafo.', 'Rispondi in poche frasi.'],
    long: ['Entra nei dettagli, per favore.', 'Dai una risposta dettagliata.'],
  },
  informalPrefixes: ['Ehi, ', 'Ciao! ', 'Domanda veloce: '],
  openers: ['Certo!', 'Bella domanda!', 'Volentieri!', 'Oh, che bello!'],
  closers: ['Spero che ti sia utile!', 'Interessante, vero?', 'Curioso, no?'],
  listIntro: {
    Formal: ["Ecco l'elenco:", 'Ecco una panoramica:'],
    Informal: ['Certo! Eccolo qui:', "Volentieri! Ecco l'elenco:"],
  },
  jsonKeys: { topic: 'argomento', field: 'ambito', facts: 'fatti', keywords: 'parole_chiave' },
  tableHeader: ['#', 'Fatto'],
  domainLabels: { Sciences: 'scienze', Technology: 'tecnologia', Culture: 'cultura', Medical: 'medicina', Legal: 'diritto' },
  classifyAnswers: ['{label}.', 'Ambito: {label}.', 'La risposta è: {label}.'],
  poemLines: [
    'Il mondo gira piano nella luce,',
    "E ogni domanda ne porta un'altra.",
    'Guardiamo, impariamo e cresciamo.',
    'Il mattino apre una pagina nuova,',
    'Le vecchie storie risuonano negli anni.',
    'Una mente paziente troverà la strada.',
    'Le stelle contano il tempo in silenzio.',
    'Le piccole cose cambiano i grandi giorni.',
    'Quindi ascolta bene e guarda ancora,',
    'La meraviglia è davanti ai nostri occhi.',
    'Le stagioni vanno e vengono come maree,',
    'Un cuore curioso non si stanca mai.',
    "Ogni risposta apre un'altra porta.",
    'Il fiume sa dove deve andare.',
    'Portiamo avanti ciò che impariamo,',
    'E lo lasciamo a chi verrà.',
  ],
};
