import * as z from 'zod/mini'; import { en } from 'zod/locales'; z.config(en()); console.log(z.safeParse(z.object({a: z.number()}), {a:'x'}).error.issues[0].message)
