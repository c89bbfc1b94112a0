/** Spanish word bank of the teaching set; parallel to the other teaching-lexicon-*.ts (written for MarkerLab). */
import type { TeachingLexicon } from './teaching-types';

// Spanish drops the subject pronoun: a later sentence starts with its verb ("Tiene una larga historia.").
const e = (S: string): { S: string; O: string; A: string; P: string } => ({ S, O: S, A: `sobre ${S}`, P: '' });

export const ES: TeachingLexicon = {
  lang: 'Spanish',
  entities: {
    moon: e('la Luna'), sun: e('el Sol'), ocean: e('el océano'), rain: e('la lluvia'), forest: e('el bosque'),
    computer: e('el ordenador'), bridge: e('el puente'), train: e('el tren'), phone: e('el teléfono'), robot: e('el robot'),
    music: e('la música'), theatre: e('el teatro'), painting: e('la pintura'), library: e('la biblioteca'), cinema: e('el cine'),
    heart: e('el corazón'), sleep: e('el sueño'), vaccine: e('la vacuna'),
    contract: e('el contrato'), court: e('el tribunal'), law: e('la ley'),
  },
  experts: { Sciences: 'Los científicos', Technology: 'Los ingenieros', Culture: 'Los artistas', Medical: 'Los médicos', Legal: 'Los abogados' },
  predicates: {
    Sciences: [
      'cambia con las estaciones',
      'influye en la vida de la Tierra',
      'sigue las leyes de la naturaleza',
      'tiene un papel en el clima',
      'existe desde hace mucho tiempo',
    ],
    Technology: [
      'nos ahorra mucho tiempo',
      'necesita un cuidado regular',
      'une a las personas y los lugares',
      'usa mucha energía',
      'mejora cada año',
    ],
    Culture: [
      'reúne a la gente',
      'cuenta historias de nuestra vida',
      'tiene una larga historia en Europa',
      'atrae a muchos visitantes',
      'cambia nuestra forma de ver el mundo',
    ],
    Medical: [
      'protege nuestra salud',
      'importa a cada paciente',
      'mantiene fuerte el cuerpo',
      'necesita la atención de los médicos',
    ],
    Legal: [
      'protege los derechos de los ciudadanos',
      'sigue unas reglas estrictas',
      'resuelve muchos conflictos',
      'debe tratar a todos por igual',
    ],
    Any: [
      'tiene una larga historia',
      'importa a mucha gente',
      'aparece en muchos libros',
      'todavía guarda muchas sorpresas',
      'forma parte de nuestra vida',
    ],
  },
  frames: [
    'Mucha gente hace preguntas {A}.',
    'Podemos aprender mucho {A}.',
    'A los niños les gustan los libros {A}.',
    '{E} estudian {O} con cuidado.',
    '{E} escriben a menudo {A}.',
    '{E} tienen nuevas ideas {A}.',
  ],
  prompts: {
    qa: ['Háblame {A}.', '¿Qué sabes {A}?', 'Dime algo {A}.'],
    explain: ['Explica lo que sabemos {A}.', '¿Por qué aprender {A}?'],
    list: ['Enumera algunos datos {A}.', 'Dame una lista de datos {A}.'],
    json: ['Datos {A} en JSON.', 'Dame datos {A} en JSON.'],
    table: ['Una tabla de datos {A}.', 'Haz una tabla {A}.'],
  },
  tableHeader: 'Dato',
};
