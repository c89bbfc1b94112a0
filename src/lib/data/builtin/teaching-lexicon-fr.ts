/** French word bank of the teaching set; parallel to the other teaching-lexicon-*.ts (written for MarkerLab). */
import type { TeachingLexicon } from './teaching-types';

const e = (S: string, P: 'il' | 'elle'): { S: string; O: string; A: string; P: string } => ({ S, O: S, A: `sur ${S}`, P });

export const FR: TeachingLexicon = {
  lang: 'French',
  entities: {
    moon: e('la Lune', 'elle'), sun: e('le Soleil', 'il'), ocean: e("l'océan", 'il'), rain: e('la pluie', 'elle'),
    forest: e('la forêt', 'elle'),
    computer: e("l'ordinateur", 'il'), bridge: e('le pont', 'il'), train: e('le train', 'il'), phone: e('le téléphone', 'il'),
    robot: e('le robot', 'il'),
    music: e('la musique', 'elle'), theatre: e('le théâtre', 'il'), painting: e('la peinture', 'elle'),
    library: e('la bibliothèque', 'elle'), cinema: e('le cinéma', 'il'),
    heart: e('le cœur', 'il'), sleep: e('le sommeil', 'il'), vaccine: e('le vaccin', 'il'),
    contract: e('le contrat', 'il'), court: e('le tribunal', 'il'), law: e('la loi', 'elle'),
  },
  experts: { Sciences: 'Les savants', Technology: 'Les ingénieurs', Culture: 'Les artistes', Medical: 'Les médecins', Legal: 'Les juristes' },
  predicates: {
    Sciences: [
      'change avec les saisons',
      'influence la vie sur la Terre',
      'suit les lois de la nature',
      'joue un rôle dans le climat',
      'existe depuis très longtemps',
    ],
    Technology: [
      'fait gagner beaucoup de temps',
      'demande un entretien régulier',
      'relie les gens et les lieux',
      "utilise beaucoup d'énergie",
      "s'améliore chaque année",
    ],
    Culture: [
      'rassemble les gens',
      'raconte des histoires sur nos vies',
      'a une longue histoire en Europe',
      'attire beaucoup de visiteurs',
      'change notre regard sur le monde',
    ],
    Medical: [
      'protège notre santé',
      'compte pour chaque patient',
      'garde le corps en forme',
      "demande l'attention des médecins",
    ],
    Legal: [
      'protège les droits des citoyens',
      'suit des règles strictes',
      'règle beaucoup de conflits',
      'doit traiter chacun de la même façon',
    ],
    Any: [
      'a une longue histoire',
      'compte pour beaucoup de gens',
      'apparaît dans beaucoup de livres',
      'nous réserve encore des surprises',
      'fait partie de notre vie',
    ],
  },
  frames: [
    'Beaucoup de gens se posent des questions {A}.',
    'On peut apprendre beaucoup de choses {A}.',
    'Les enfants aiment les livres {A}.',
    '{E} étudient {O} de près.',
    '{E} écrivent souvent {A}.',
    '{E} ont de nouvelles idées {A}.',
  ],
  prompts: {
    qa: ['Que peux-tu me dire {A} ?', 'Que sais-tu {A} ?', 'Dis-moi quelque chose {A}.'],
    explain: ["Explique ce que l'on sait {A}.", 'Pourquoi apprendre des choses {A} ?'],
    list: ['Donne quelques faits {A}.', 'Fais une liste de faits {A}.'],
    json: ['Des faits {A} en JSON.', 'Donne des faits {A} en JSON.'],
    table: ['Un tableau des faits {A}.', 'Fais un tableau {A}.'],
  },
  tableHeader: 'Fait',
};
