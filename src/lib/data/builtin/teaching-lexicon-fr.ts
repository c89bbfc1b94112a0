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
      "change avec les saisons de l'année",
      'influence la vie des plantes et des animaux',
      'suit les lois de la nature',
      'a un effet sur le climat',
      'est là depuis très longtemps',
    ],
    Technology: [
      'fait gagner beaucoup de temps',
      "a besoin de l'entretien des experts",
      'relie les gens et les lieux',
      "utilise beaucoup d'énergie chaque jour",
      "s'améliore chaque année",
    ],
    Culture: [
      'rassemble les gens',
      'raconte les histoires de nos vies',
      'a une longue histoire en Europe',
      'attire beaucoup de visiteurs',
      'change notre regard sur le monde',
    ],
    Medical: [
      'protège la santé de tout le monde',
      'compte pour chaque patient',
      'garde le corps fort et en bonne santé',
      "demande l'attention des médecins",
    ],
    Legal: [
      'protège les droits des citoyens',
      'suit des règles strictes',
      'règle beaucoup de conflits',
      'doit traiter chacun de la même façon',
    ],
    Any: [
      'a une histoire longue et riche',
      'compte pour les gens du monde entier',
      'est le sujet de beaucoup de livres et de films',
      'nous réserve encore bien des surprises',
      'fait partie de la vie de tous les jours',
    ],
  },
  frames: [
    'Beaucoup de gens veulent en savoir plus {A}.',
    'Chacun peut apprendre du nouveau {A}.',
    'Les enfants aiment lire les livres {A}.',
    '{E} étudient {O} avec beaucoup de soin.',
    '{E} écrivent souvent des articles {A}.',
    '{E} ont chaque année de nouvelles idées {A}.',
  ],
  prompts: {
    qa: ['Que peux-tu me dire {A} ?', 'Que sais-tu {A} ?', 'Dis-moi quelque chose {A}.'],
    explain: ["Explique ce que l'on sait {A}.", 'Pourquoi apprendre des choses {A} ?'],
    list: ['Donne quelques faits {A}.', 'Fais une liste de faits {A}.'],
    json: ['Faits {A} en JSON.', 'Donne des faits {A} en JSON.'],
    table: ['Un tableau des faits {A}.', 'Fais un tableau {A}.'],
  },
  tableHeader: 'Fait',
};
