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
      'cambia con las estaciones del año',
      'influye en la vida de las plantas y los animales',
      'sigue las leyes de la naturaleza',
      'tiene un efecto sobre el clima',
      'existe desde hace mucho tiempo',
    ],
    Technology: [
      'nos ahorra mucho tiempo',
      'necesita el cuidado de los expertos',
      'une a las personas y los lugares',
      'consume mucha energía',
      'mejora cada año',
    ],
    Culture: [
      'une a las personas',
      'cuenta las historias de nuestra vida',
      'tiene una larga historia en Europa',
      'atrae a muchos visitantes',
      'cambia nuestra forma de ver el mundo',
    ],
    Medical: [
      'protege la salud de todos',
      'importa a cada paciente',
      'mantiene el cuerpo fuerte y sano',
      'necesita la atención de los médicos',
    ],
    Legal: [
      'protege los derechos de los ciudadanos',
      'sigue unas reglas estrictas',
      'resuelve muchos conflictos',
      'debe tratar a todos por igual',
    ],
    Any: [
      'tiene una historia larga y rica',
      'importa a la gente de todo el mundo',
      'es el tema de muchos libros y películas',
      'todavía nos da muchas sorpresas',
      'forma parte de la vida de todos los días',
    ],
  },
  frames: [
    'Muchas personas quieren saber más {A}.',
    'Todos pueden aprender algo nuevo {A}.',
    'A los niños les gusta leer libros {A}.',
    '{E} estudian {O} con mucho cuidado.',
    '{E} escriben a menudo artículos {A}.',
    '{E} tienen cada año nuevas ideas {A}.',
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
