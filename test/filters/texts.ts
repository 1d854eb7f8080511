// Realistic English texts written for these tests (not copied from any corpus).

/** A short news-style article: passes every heuristic filter with default options. */
export const ARTICLE = `The city council voted on Tuesday to extend the hours of the public library, which had been closing at six in the evening since the budget cuts of last year.
Several residents spoke in favour of the change. One of them, a retired teacher who volunteers at the reading programme, said that many students have nowhere quiet to work after school.
The new schedule will keep the main branch open until nine on weekdays. The two smaller branches will stay open until eight on Mondays and Thursdays.
Funding for the additional staff hours will come from a reserve that the council set aside for maintenance. Officials said that the repairs planned for the roof can be delayed without risk.
The library director thanked the council and said that the longer hours would begin at the start of next month, once the new timetable has been printed and shared with the schools.`;

/** Another, on a different subject, for multi-document tests. */
export const RECIPE = `Bread dough needs time more than it needs effort. Mix the flour, the water and a pinch of salt with a little yeast, and leave the bowl covered on the counter overnight.
In the morning the dough will have doubled in size and it will smell slightly sour. Fold it over itself a few times with wet hands, then shape it into a round loaf.
Bake it in a very hot oven with a lid for the first half hour, so that the steam keeps the crust soft while the bread rises. Take the lid off for the last twenty minutes.
Let the loaf cool completely before you cut it. The crumb is still setting while it is warm, and a knife will squash it flat.`;
