form Analyse
  sentence wav
  sentence out
  real intensityMinPitch 100
endform
sound = Read from file: wav$
pitch = To Pitch: 0.01, 75, 600
n = Get number of frames
writeFileLine: out$, "# pitch"
for i to n
  t = Get time from frame number: i
  f = Get value in frame: i, "Hertz"
  if f = undefined
    appendFileLine: out$, "P ", fixed$(t, 6), " 0"
  else
    appendFileLine: out$, "P ", fixed$(t, 6), " ", fixed$(f, 4)
  endif
endfor
selectObject: sound
intensity = To Intensity: intensityMinPitch, 0.01, "no"
m = Get number of frames
for i to m
  t = Get time from frame number: i
  v = Get value in frame: i
  if v <> undefined
    appendFileLine: out$, "I ", fixed$(t, 6), " ", fixed$(v, 4)
  endif
endfor
